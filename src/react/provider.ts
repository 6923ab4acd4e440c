/**
 * `WaymarkProvider` and `useWaymark`: the instance the hooks below it read, either given (the
 * page made it) or made by the provider from options, in the browser only, once mounted.
 */
import { createContext, createElement, useContext, useEffect, useState, type ReactElement, type ReactNode } from 'react'
import { createWaymark } from '../index'
import type { Waymark, WaymarkOptions } from '../types'
import { offersOf } from './offers'

const WaymarkContext = /*#__PURE__*/ createContext<Waymark | null>(null)

/**
 * Props of {@link WaymarkProvider}: either `waymark`, an instance the page made (and
 * destroys, if ever), or `options`, from which the provider makes its own.
 */
export type WaymarkProviderProps = { children?: ReactNode } & (
  | {
      /**
       * The instance to provide. `null` provides none (say, on the server, where the page made
       * none): the hooks then give their empty values.
       */
      waymark: Waymark | null
      options?: undefined
    }
  | {
      /**
       * Options of the instance the provider makes with `createWaymark` after it mounts, in the
       * browser only (never while rendering, so never on the server), and destroys when it
       * unmounts. Read once, on mount: to change them, remount the provider (give it a new `key`).
       */
      options: WaymarkOptions
      waymark?: undefined
    }
)

/**
 * Provides a Waymark instance to the hooks below it.
 *
 * With `waymark`, the page's own instance is provided as it is, also during server rendering.
 * With `options`, the provider makes an instance after it mounts in the browser and destroys
 * it when it unmounts; until then (and always on the server) there is none: `useWaymark()` is
 * null, `useGreeting()` null, `useJourney()` the empty journey and `useOffers()` empty.
 *
 * Offers are collected from the first render that has the instance, so one that fires before
 * a component using `useOffers` mounts is not missed.
 *
 * @example
 * const wm = createWaymark({ playbook: '/playbook.json' }) // in browser-only code
 * createRoot(el).render(createElement(WaymarkProvider, { waymark: wm }, createElement(App)))
 * // or, SSR-safe: <WaymarkProvider options={{ playbook: '/playbook.json' }}><App /></WaymarkProvider>
 */
export function WaymarkProvider(props: WaymarkProviderProps): ReactElement {
  const { waymark, options, children } = props
  const owns = waymark === undefined && options !== undefined
  const [own, setOwn] = useState<Waymark | null>(null)
  // Runs in the browser only, after mount; Strict Mode's extra mount makes and destroys one more.
  useEffect(() => {
    if (!owns) return
    const wm = createWaymark(options)
    offersOf(wm)
    setOwn(wm)
    return () => {
      wm.destroy()
      setOwn(null)
    }
    // The options are read once, on mount (documented): a new object each render changes nothing.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [owns])
  const wm = owns ? own : waymark || null
  // Idempotent per instance: listening to its offers from now on is all it does.
  if (wm) offersOf(wm)
  return createElement(WaymarkContext.Provider, { value: wm }, children)
}

/**
 * The instance of the nearest {@link WaymarkProvider}, or null: outside a provider, during
 * server rendering of a provider made with `options`, and before that provider has mounted.
 *
 * @example
 * const wm = useWaymark()
 * return createElement('button', { onClick: () => wm?.track('cart_viewed') }, 'Cart')
 */
export function useWaymark(): Waymark | null {
  return useContext(WaymarkContext)
}
