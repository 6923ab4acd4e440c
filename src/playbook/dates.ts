/**
 * The playbook's dates (`from`, `until`, `expires`): strict ISO 8601, and only days that
 * exist. Date.parse alone rolls 2026-11-31 over to 1 December (V8), takes "December 31,
 * 2026", and reads a time without an offset in the device's own zone, so one playbook would
 * name different instants on different devices. It only reads what passed the check below:
 * the standard's own date-time format, whose meaning ECMAScript fixes in every engine.
 */

// YYYY-MM-DD, or with THH:MM[:SS[.sss]] and Z or ±HH:MM. The offset is required: without
// one, each visitor's zone would decide when a campaign starts or ends.
const ISO = /^(\d{4}-\d\d-\d\d)(T\d\d:\d\d(:\d\d(\.\d{3})?)?(Z|[+-]\d\d:\d\d))?$/
// In the time part: an hour (of the time or the offset) past 23, a minute or second past 59.
const OUT_OF_RANGE = /[T+-](2[4-9]|[3-9])|:[6-9]/

/** The accepted forms, for messages. */
export const DATE_FORMAT = 'YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ'

/**
 * Reads a playbook date: milliseconds since the epoch, or NaN for anything but a strict ISO
 * 8601 date, or date-time with `Z` or `±HH:MM`, on a day that exists. A date alone is a whole
 * day in UTC, the same instant on every device and in the CLI: its first millisecond, or
 * with `end` its last, so `"until": "2026-12-31"` includes that day.
 *
 * @example parseDate('2026-12-31', true) // Date.parse('2026-12-31T23:59:59.999Z')
 * @example parseDate('2026-11-31') // NaN: November has 30 days
 */
export function parseDate(v: unknown, end?: boolean): number {
  const m = typeof v == 'string' && ISO.exec(v)
  // A day that does not exist parses as NaN (toJSON: null), or rolled into the next month.
  // (A date alone has no time part: the test reads "undefined", which holds none of T+-:.)
  return m && !OUT_OF_RANGE.test(m[2]) && String(new Date(Date.parse(m[1])).toJSON()).startsWith(m[1])
    ? Date.parse(m[0]) + (end && !m[2] ? 864e5 - 1 : 0)
    : NaN
}
