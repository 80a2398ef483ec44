import { toLocalDay } from '../../lib/local-time.js';

/**
 * Plaque days are calendar days stored as UTC midnight (like event days): a plaque valid until
 * 31 Dec 2027 is valid through that day wherever the reader is.
 */
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

export function parseDay(text: string): Date | null {
  const m = DAY.exec(text.trim());
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
  return date;
}

export function dayString(date: Date | null | undefined): string {
  return date ? date.toISOString().slice(0, 10) : '';
}

/** Today's calendar day in the given zone, as UTC midnight. */
export function todayIn(timeZone: string, now = new Date()): Date {
  return parseDay(toLocalDay(now, timeZone))!;
}
