/** A cross-tab message channel; a no-op where `BroadcastChannel` is missing. */
export interface Channel {
  post(message: unknown): void
  close(): void
}

/** Opens the namespace's channel: tabs of the same origin and namespace hear each other. */
export function createChannel(name: string, onMessage: (message: unknown) => void): Channel {
  let bc: BroadcastChannel | undefined
  try {
    bc = new BroadcastChannel(name)
    bc.onmessage = (e) => onMessage(e.data)
  } catch {
    // No BroadcastChannel (old Safari, SSR): each tab keeps its own state until reload.
  }
  return {
    post(message) {
      try {
        bc?.postMessage(message)
      } catch {
        // Closed channel or uncloneable data: the next change posts a fresh snapshot.
      }
    },
    close: () => bc?.close(),
  }
}
