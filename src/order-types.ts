/** The orders' public types: an order, its statuses and a change of status (`OrderError` is a class, in errors.ts). */

/** Order statuses, in the order they normally happen. */
export type OrderStatus =
  | 'placed' | 'paid' | 'packed' | 'shipped' | 'out_for_delivery' | 'delivered'
  | 'cancelled' | 'returned'

/** An order as the `orders` source returns it. */
export interface Order {
  id: string
  status: OrderStatus
  updatedAt?: string | number
  eta?: string | number
  carrier?: string
  trackingUrl?: string
  [key: string]: unknown
}

/** Payload of `on('order')`: an order that reached a new status (or was first seen). */
export interface OrderChange {
  order: Order
  /** The status before, or null the first time this visitor's device sees the order. */
  previous: OrderStatus | null
}

