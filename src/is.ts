/** `Array.isArray`, under a name that minifies. */
export const isArr = Array.isArray

/** A plain object (not null, not an array): the shape of JSON objects, props and traits. */
export const isObj = (x: unknown): x is Record<string, unknown> => !!x && typeof x == 'object' && !isArr(x)

/** Whether `key` is `o`'s own property: page-chosen keys such as `constructor` must not find Object.prototype. */
export const has = (o: object, key: string): boolean => Object.prototype.hasOwnProperty.call(o, key)

/** Sets an own property, whatever the key (`__proto__` included, which `=` would turn into the prototype). */
export const setOwn = <T>(o: Record<string, T>, key: string, value: T): void =>
  void Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true })

/** A value for an error message, whatever it is: JSON.stringify throws on BigInt and some proxies. */
export function describe(v: unknown): string {
  try {
    return (JSON.stringify(v) ?? String(v)).slice(0, 80)
  } catch {
    return typeof v
  }
}
