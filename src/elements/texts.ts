/**
 * The elements' own strings in `en` and `ru`. A playbook overrides any of them through the
 * instance (`wm.text`), per locale, with the same keys; plural keys take a `.one`, `.few`,
 * `.many` or `.other` suffix chosen by `Intl.PluralRules` for the `count` parameter.
 */
import { fill, language as languageOf } from '../texts'
import type { Waymark } from '../types'

/** Parameters of a text: `{name}` placeholders; `count` also picks the plural form. */
export type Params = Record<string, string | number>

/** The built-in languages, in the order of each key's texts below. */
const LANGUAGES = ['en', 'ru']

/** Every key once, with its English and Russian text ('' for the plural forms English lacks). */
const TEXTS: Record<string, [en: string, ru: string]> = {
  'order.status.placed': ['Placed', 'Оформлен'],
  'order.status.paid': ['Paid', 'Оплачен'],
  'order.status.packed': ['Packed', 'Собран'],
  'order.status.shipped': ['Shipped', 'Отправлен'],
  'order.status.out_for_delivery': ['Out for delivery', 'Передан курьеру'],
  'order.status.delivered': ['Delivered', 'Доставлен'],
  'order.status.cancelled': ['Cancelled', 'Отменён'],
  'order.status.returned': ['Returned', 'Возвращён'],
  'order.steps': ['Order progress', 'Ход заказа'],
  'order.eta': ['Estimated delivery {date}', 'Ожидаемая доставка: {date}'],
  'order.arrives.one': ['Arrives in {count} day', 'Приедет через {count} день'],
  'order.arrives.few': ['', 'Приедет через {count} дня'],
  'order.arrives.many': ['', 'Приедет через {count} дней'],
  'order.arrives.other': ['Arrives in {count} days', 'Приедет через {count} дня'],
  'order.carrier': ['Carrier: {carrier}', 'Служба доставки: {carrier}'],
  'order.track': ['Track the parcel', 'Отследить посылку'],
  'order.loading': ['Loading the order…', 'Загружаем заказ…'],
  'order.unknown': ['We could not find order {id}', 'Не удалось найти заказ {id}'],
  'order.error': ['The order status could not be loaded', 'Не удалось загрузить статус заказа'],
  'order.announce': ['Order {id}: {status}', 'Заказ {id}: {status}'],
  'offer.close': ['Close', 'Закрыть'],
  'offer.code': ['Your code', 'Ваш код'],
  'offer.copy': ['Copy code', 'Скопировать код'],
  'offer.copied': ['Copied', 'Скопировано'],
  'offer.preview': ['Preview', 'Предпросмотр'],
}

/** The instance's locale, or `en` when it has none. */
const localeOf = (wm: Waymark): string => (typeof wm.locale === 'string' && wm.locale) || 'en'

/** The built-in language for a BCP 47 tag: `ru-RU` → `ru`, anything unknown → `en`. */
export const language = (locale: string): string => {
  const base = languageOf(locale)
  return LANGUAGES.includes(base) ? base : 'en'
}

// A malformed locale tag makes Intl throw: it falls back to English instead.
const plural = (locale: string, count: number): string => {
  try {
    return new Intl.PluralRules(locale).select(count)
  } catch {
    return new Intl.PluralRules('en').select(count)
  }
}

/** The instance's text for a key (the playbook's override), undefined if it has none. */
const fromInstance = (wm: Waymark, key: string, params: Params): string | undefined => {
  try {
    const t = typeof wm.text === 'function' ? wm.text(key, params) : undefined
    return typeof t === 'string' ? t : undefined
  } catch {
    return undefined // an instance's failing text() must not break the element
  }
}

/**
 * The text for `key`: the instance's (playbook) text for the plural form, then for the key,
 * then the built-in one for the locale's language, with `{name}` placeholders filled. Plain
 * text: callers set it with `textContent`.
 */
export function tx(wm: Waymark, key: string, params: Params = {}): string {
  const locale = localeOf(wm)
  const count = params.count
  const forms = (l: string) => (typeof count === 'number' ? [`${key}.${plural(l, count)}`, key, `${key}.other`] : [key])
  for (const k of forms(locale).slice(0, 2)) {
    const t = fromInstance(wm, k, params)
    if (t !== undefined) return t
  }
  const lang = language(locale)
  const at = LANGUAGES.indexOf(lang)
  for (const k of forms(lang)) {
    const t = TEXTS[k]?.[at]
    if (t) return fill(t, (p) => params[p])
  }
  return ''
}

/**
 * A date for an ETA: epoch milliseconds or an ISO string; a date without a time
 * (`2026-11-27`) is that day in the visitor's time zone, not UTC midnight. Null if invalid.
 */
export function toDate(value: unknown): Date | null {
  if (typeof value === 'string' && /^\d{4}-\d\d-\d\d$/.test(value)) {
    const [y, m, d] = value.split('-').map(Number)
    return new Date(y, m - 1, d)
  }
  if (typeof value !== 'string' && typeof value !== 'number') return null
  const date = new Date(value)
  return isNaN(date.getTime()) ? null : date
}

/** A day in the instance's locale: weekday, day and month ("Friday, November 27"). */
export function formatDay(wm: Waymark, date: Date): string {
  const options: Intl.DateTimeFormatOptions = { weekday: 'long', day: 'numeric', month: 'long' }
  try {
    return new Intl.DateTimeFormat(localeOf(wm), options).format(date)
  } catch {
    return new Intl.DateTimeFormat('en', options).format(date)
  }
}

/** Whole calendar days from `now` to `date` in local time (0 today, negative when past). */
export function daysUntil(date: Date, now: Date = new Date()): number {
  const day = (d: Date) => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime()
  return Math.round((day(date) - day(now)) / 864e5)
}
