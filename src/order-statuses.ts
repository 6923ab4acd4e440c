/**
 * The order statuses, shared by the orders module (which refuses others and stops polling
 * at a final one) and the order widget (which draws the course and hides the ETA at the end).
 */
import type { OrderStatus } from './types'

/** Every status, in the order an order normally moves through them. */
export const STATUSES: OrderStatus[] = ['placed', 'paid', 'packed', 'shipped', 'out_for_delivery', 'delivered', 'cancelled', 'returned']
/** The normal course of an order, placed to delivered. */
export const FLOW: OrderStatus[] = STATUSES.slice(0, 6)
/** Statuses after which nothing changes: delivered, cancelled, returned. */
export const FINAL: OrderStatus[] = STATUSES.slice(5)
