/**
 * What a namespace's other tabs said about its events: which they are sending now, and which
 * are gone (delivered, dropped, or handed to the browser by a page that was closing). Heard
 * over the cross-tab channel, which in a Firefox tab being closed gets through where the
 * localStorage hand-over note does not.
 */
import { isArr } from '../is'
import { MAX_EVENTS } from './queue'
import { SEND_TIMEOUT_MS } from './send'
import type { DeliveryNews } from './types'

/** The news of one tab's delivery; times are on the monotonic clock `now`. */
export interface News {
  /** Takes in another tab's message; returns the ids it says are gone, if any. */
  hear(news: DeliveryNews): string[] | undefined
  /** Whether another tab is sending this event now (until its request would time out). */
  sendingElsewhere(id: string): boolean
  /** Ids other tabs said are gone (the newest, up to twice the queue's bound). */
  readonly gone: Set<string>
}

/** Creates the news of a tab's delivery. */
export function createNews(now: () => number): News {
  const sending = new Map<string, number>()
  const gone = new Set<string>()
  return {
    hear(news) {
      const t = now()
      for (const [id, until] of sending) if (until < t) sending.delete(id)
      if (isArr(news.sending)) for (const id of news.sending) sending.set(id, t + SEND_TIMEOUT_MS + 1000)
      if (!isArr(news.gone)) return
      for (const id of news.gone) sending.delete(id), gone.add(id)
      for (const id of gone) {
        if (gone.size <= 2 * MAX_EVENTS) break
        gone.delete(id)
      }
      return news.gone
    },
    sendingElsewhere: (id) => sending.get(id)! > now(),
    gone,
  }
}
