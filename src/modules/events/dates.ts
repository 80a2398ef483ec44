import type { Locale } from '../../config/index.js';
import { formatDate } from '../../lib/i18n.js';

/**
 * Event dates are calendar days, not instants: 17 Nov 2025 is the same day for a viewer in
 * Bangkok and one in Chongqing. They are stored as UTC midnight and shown in UTC.
 */
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
export const DAY_MS = 24 * 60 * 60 * 1000;

/** "2025-11-17" → that day at 00:00 UTC, or null when it is not a real calendar day. */
export function parseDay(text: string): Date | null {
  const m = DAY.exec(text.trim());
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
  return date;
}

/** A stored day back to "YYYY-MM-DD" (form values). */
export function dayString(date: Date | null | undefined): string {
  return date ? date.toISOString().slice(0, 10) : '';
}

/** Today's calendar day where the user is, as UTC midnight. */
export function today(timeZone: string, now = new Date()): Date {
  const text = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(now);
  return parseDay(text) ?? new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

/** A day as the viewer's language writes it ("Nov 17, 2025", "2025年11月17日"). */
export function formatDay(date: Date | null | undefined, locale: Locale): string {
  return date ? formatDate(date, locale, 'UTC', false) : '';
}

/** "Nov 17 – 19, 2025"-style range when the event lasts several days. */
export function formatDays(start: Date, end: Date | null | undefined, locale: Locale): string {
  if (!end || end.getTime() === start.getTime()) return formatDay(start, locale);
  return new Intl.DateTimeFormat(locale, { timeZone: 'UTC', dateStyle: 'medium' }).formatRange(start, end);
}
