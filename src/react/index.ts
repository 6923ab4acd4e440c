/**
 * `waymark/react`: `WaymarkProvider`, `useWaymark`, `useGreeting`, `useJourney`, `useOffers`,
 * and JSX typings for the Waymark elements. `react` (18 or later) is the page's own, never
 * bundled. Importing it does nothing and touches no browser global, so it is safe under Node
 * and in server rendering.
 */
export { WaymarkProvider, useWaymark } from './provider'
export type { WaymarkProviderProps } from './provider'
export { useGreeting, useJourney, useOffers } from './hooks'
export type { WaymarkElementProps, WaymarkGreetingProps, WaymarkOrderStatusProps, WaymarkSlotProps } from './jsx'
export type { Greeting, Journey, Offer, Waymark, WaymarkOptions } from '../types'
