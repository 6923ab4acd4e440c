/**
 * The delivery's contract with the instance: what it needs and what it offers. Kept apart from
 * delivery.ts, which is long enough with the machinery alone.
 */
import type { Storage } from '../storage'
import type { ConsentState, WaymarkEvent } from '../types'
import type { Collector } from './send'

/** What one tab's delivery tells the others. */
export interface DeliveryNews {
  gone?: string[]
  sending?: string[]
}

/** What delivery needs from the instance. */
export interface DeliveryDeps {
  collect: Collector | undefined
  storage: Storage
  namespace: string
  consent(): ConsentState
  /** Tells the namespace's other tabs which events are gone (delivered or dropped), or being sent. */
  post(message: DeliveryNews): void
  fail(message: string): void
  log(...args: unknown[]): void
}

/** The delivery of one instance. */
export interface Delivery {
  /**
   * Queues an event (with consent). A `memory` one (it holds traits that may not be stored)
   * is never written to the device: this page sends it, first, or at page hide.
   */
  push(event: WaymarkEvent, memory?: boolean): void
  /** Sends what is queued now; resolves when the queue is drained or an attempt failed. */
  flush(): Promise<void>
  /** Follows a consent change: `granted` stores and sends what waited in memory. */
  consent(state: ConsentState): void
  /** Hears another tab: events it delivered or dropped are forgotten; those it is sending are not carried at page hide. */
  heard(news: DeliveryNews): void
  /** Logout: the previous visitor's events leave the device's store and are sent from memory. */
  reset(): void
  /** Starts sending (what earlier visits left, too). */
  start(): void
  stop(): void
}
