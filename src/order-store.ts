/**
 * Where the device keeps its copies of orders: one key per order in the instance's store.
 * Shared by the orders part and the instance, which deletes them on logout without it.
 */
import type { Storage } from './storage'

/** The store key of order `id`. */
export const orderKey = (id: string): IDBValidKey => ['order', id]

/** Deletes every order's copy from the device. */
export const forgetOrders = (storage: Storage): void =>
  void storage.tx('readwrite', (os) => os.delete(IDBKeyRange.bound(['order'], ['order', []])))
