/** A plain object (not null, not an array): the shape of JSON objects, props and traits. */
export const isObj = (x: unknown): x is Record<string, unknown> => !!x && typeof x == 'object' && !Array.isArray(x)
