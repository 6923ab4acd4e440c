/**
 * JSX typings of the Waymark elements (`waymark/elements` defines them), so TSX using them
 * type-checks: the attributes are strings, as HTML attributes are. Types only: no code.
 */
import type { DetailedHTMLProps, HTMLAttributes } from 'react'

/** The props every Waymark element takes: those of any HTML element (`id`, `className`, `style`, `ref`, …). */
export type WaymarkElementProps = DetailedHTMLProps<HTMLAttributes<HTMLElement>, HTMLElement>

/** `<waymark-greeting>`: the returning visitor's greeting. */
export interface WaymarkGreetingProps extends WaymarkElementProps {
  /** What to show on a first visit (nothing, without it). */
  'first-visit-text'?: string
}

/** `<waymark-order-status>`: an order's steps, updated live. */
export interface WaymarkOrderStatusProps extends WaymarkElementProps {
  /** The order's id, as the `orders` source knows it. */
  'order-id': string
}

/** `<waymark-slot>`: the latest inline offer of a placement. */
export interface WaymarkSlotProps extends WaymarkElementProps {
  /** The placement (an inline offer's `placement`). */
  name: string
}

declare module 'react' {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace JSX {
    interface IntrinsicElements {
      'waymark-greeting': WaymarkGreetingProps
      'waymark-order-status': WaymarkOrderStatusProps
      'waymark-slot': WaymarkSlotProps
    }
  }
}
