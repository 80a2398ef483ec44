import type { Locale } from '../../config/index.js';
import { formatDate } from '../../lib/i18n.js';

export { DAY_MS, dayString, parseDay, today } from '../../lib/calendar-days.js';

/** A day as the viewer's language writes it ("Nov 17, 2025", "2025年11月17日"). */
export function formatDay(date: Date | null | undefined, locale: Locale): string {
  return date ? formatDate(date, locale, 'UTC', false) : '';
}

/** "Nov 17 – 19, 2025"-style range when the event lasts several days. */
export function formatDays(start: Date, end: Date | null | undefined, locale: Locale): string {
  if (!end || end.getTime() === start.getTime()) return formatDay(start, locale);
  return new Intl.DateTimeFormat(locale, { timeZone: 'UTC', dateStyle: 'medium' }).formatRange(start, end);
}
