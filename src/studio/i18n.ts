/**
 * The studio's own strings in English and Russian, chosen by the browser's language and
 * switched from the header (kept in localStorage).
 */

const EN = {
  title: 'Waymark studio',
  language: 'Language',
  save: 'Save',
  saved: 'Saved.',
  savedSigned: 'Saved, and signed into {file}.',
  saving: 'Saving…',
  unsaved: 'Unsaved changes',
  noChanges: 'No changes',
  conflict: 'The file changed on disk since it was loaded; reload it (your edits here are lost) or copy them first.',
  reload: 'Reload from disk',
  refused: 'Not saved: {n} problem(s).',
  saveError: 'Not saved: {why}',
  invalidSave: 'Fix the problems first: Save writes only a valid playbook.',
  problems: 'Problems',
  warnings: 'Warnings',
  noProblems: 'No problems: the playbook is valid.',
  rules: 'Rules',
  rule: 'Rule {id}',
  on: 'On',
  off: 'Off',
  triggers: 'Triggers (comma-separated)',
  from: 'From (ISO date)',
  until: 'Until (ISO date)',
  capSession: 'Cap per session',
  capDay: 'Cap per day',
  capTotal: 'Cap in total',
  rollout: 'Rollout (0 to 1)',
  priority: 'Priority',
  kind: 'Kind',
  placement: 'Placement',
  code: 'Promo code',
  href: 'Link of the button',
  condition: 'Condition',
  conditionNone: 'No condition: the rule fires on every trigger.',
  path: 'Path',
  operator: 'Operator',
  value: 'Value',
  remove: 'Remove',
  addCondition: 'Add a condition',
  rawJson: 'Condition as JSON',
  rawOnly: 'This condition uses $or, $and, $not or nested values: edit it as JSON.',
  notJson: 'Not JSON: {why}',
  texts: 'Texts',
  offerTexts: 'Offer texts',
  playbookTexts: 'Playbook texts',
  key: 'Key',
  missing: 'missing translation',
  everyLanguage: 'every language',
  perLanguage: 'One text per language',
  addLanguage: 'Add a language (e.g. de)',
  add: 'Add',
  preview: 'Preview',
  previewLocale: 'Preview language',
  theme: 'Theme',
  accent: 'Accent colour',
  bg: 'Background',
  fg: 'Text colour',
  radius: 'Corner radius',
  font: 'Font',
  siteUrl: 'Site URL (for preview links)',
  openPreview: 'Open {id} on the site',
  headless: 'Headless: the page renders it itself.',
  simulator: 'Simulator',
  event: 'Event',
  props: 'Props (JSON)',
  returning: 'Returning visitor',
  name: 'First name',
  stage: 'Journey stage',
  locale: 'Locale',
  time: 'Time',
  simulate: 'Simulate',
  fires: 'fires',
  notListening: 'Not listening to this event: {ids}',
  textFor: 'Text for {locale}',
  fixFirst: 'Fix the problems first: the simulator runs the valid playbook.',
  changes: 'Changes against the file on disk',
  recovery: 'The file is not valid JSON',
  recoveryHelp: 'Fix the text below; the editor opens as soon as it parses. Nothing is written until the playbook is valid.',
  rawText: 'File text',
  at: 'line {line}, column {column}',
  goTo: 'Go to the error',
  loadError: 'Could not load the file: {why}',
}

/** A string key of the studio. */
export type Key = keyof typeof EN

const RU: Record<Key, string> = {
  title: 'Студия Waymark',
  language: 'Язык',
  save: 'Сохранить',
  saved: 'Сохранено.',
  savedSigned: 'Сохранено и подписано в {file}.',
  saving: 'Сохраняем…',
  unsaved: 'Есть несохранённые изменения',
  noChanges: 'Изменений нет',
  conflict: 'Файл изменился на диске после загрузки; загрузите его заново (правки здесь пропадут) или сначала скопируйте их.',
  reload: 'Загрузить с диска',
  refused: 'Не сохранено: проблем — {n}.',
  saveError: 'Не сохранено: {why}',
  invalidSave: 'Сначала исправьте проблемы: сохраняется только правильный плейбук.',
  problems: 'Проблемы',
  warnings: 'Предупреждения',
  noProblems: 'Проблем нет: плейбук правильный.',
  rules: 'Правила',
  rule: 'Правило {id}',
  on: 'Вкл',
  off: 'Выкл',
  triggers: 'Триггеры (через запятую)',
  from: 'С (дата ISO)',
  until: 'До (дата ISO)',
  capSession: 'Не чаще за сеанс',
  capDay: 'Не чаще за день',
  capTotal: 'Не чаще всего',
  rollout: 'Доля показа (от 0 до 1)',
  priority: 'Приоритет',
  kind: 'Вид',
  placement: 'Место',
  code: 'Промокод',
  href: 'Ссылка кнопки',
  condition: 'Условие',
  conditionNone: 'Без условия: правило срабатывает на каждый триггер.',
  path: 'Путь',
  operator: 'Оператор',
  value: 'Значение',
  remove: 'Убрать',
  addCondition: 'Добавить условие',
  rawJson: 'Условие в JSON',
  rawOnly: 'В условии есть $or, $and, $not или вложенные значения: правьте его как JSON.',
  notJson: 'Не JSON: {why}',
  texts: 'Тексты',
  offerTexts: 'Тексты предложений',
  playbookTexts: 'Тексты плейбука',
  key: 'Ключ',
  missing: 'нет перевода',
  everyLanguage: 'все языки',
  perLanguage: 'Свой текст для каждого языка',
  addLanguage: 'Добавить язык (например, de)',
  add: 'Добавить',
  preview: 'Предпросмотр',
  previewLocale: 'Язык предпросмотра',
  theme: 'Оформление',
  accent: 'Акцентный цвет',
  bg: 'Фон',
  fg: 'Цвет текста',
  radius: 'Скругление углов',
  font: 'Шрифт',
  siteUrl: 'Адрес сайта (для ссылок предпросмотра)',
  openPreview: 'Открыть {id} на сайте',
  headless: 'Без оформления: страница рисует его сама.',
  simulator: 'Симулятор',
  event: 'Событие',
  props: 'Свойства (JSON)',
  returning: 'Вернувшийся посетитель',
  name: 'Имя',
  stage: 'Этап пути',
  locale: 'Язык посетителя',
  time: 'Время',
  simulate: 'Проверить',
  fires: 'срабатывает',
  notListening: 'Не слушают это событие: {ids}',
  textFor: 'Текст для {locale}',
  fixFirst: 'Сначала исправьте проблемы: симулятор работает с правильным плейбуком.',
  changes: 'Отличия от файла на диске',
  recovery: 'В файле ошибка JSON',
  recoveryHelp: 'Исправьте текст ниже; редактор откроется, как только текст разберётся. Ничего не записывается, пока плейбук неправильный.',
  rawText: 'Текст файла',
  at: 'строка {line}, столбец {column}',
  goTo: 'Перейти к ошибке',
  loadError: 'Не удалось загрузить файл: {why}',
}

const TABLES: Record<string, Record<Key, string>> = { en: EN, ru: RU }

/** The UI languages. */
export const UI_LANGUAGES = ['en', 'ru']

const STORE = 'waymark-studio:lang'
let lang = 'en'

/** Picks the UI language: the saved choice, else the browser's language, else English. */
export function initLanguage(): string {
  let saved: string | null = null
  try {
    saved = localStorage.getItem(STORE)
  } catch {
    // Storage may be off; the browser's language still decides.
  }
  const wanted = saved || (navigator.language || 'en').slice(0, 2).toLowerCase()
  lang = TABLES[wanted] ? wanted : 'en'
  document.documentElement.lang = lang
  return lang
}

/** Switches the UI language (the caller renders again). */
export function setLanguage(next: string): void {
  lang = TABLES[next] ? next : 'en'
  document.documentElement.lang = lang
  try {
    localStorage.setItem(STORE, lang)
  } catch {
    // Not kept; the switch still applies now.
  }
}

/** The current UI language. */
export const uiLanguage = (): string => lang

/** A UI string with `{name}` parameters filled. */
export function t(key: Key, params: Record<string, string | number> = {}): string {
  return TABLES[lang][key].replace(/\{(\w+)\}/g, (m, p) => (p in params ? String(params[p]) : m))
}
