/**
 * Calendar days (event days, agreement dates, incident days), not instants: 17 Nov 2025 is the
 * same day for a viewer in Bangkok and one in Chongqing. They are stored as UTC midnight and
 * shown in UTC.
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

/** Today's calendar day in a time zone, as UTC midnight. */
export function today(timeZone: string, now = new Date()): Date {
  const text = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(now);
  return parseDay(text) ?? new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

export function addDays(day: Date, days: number): Date {
  return new Date(day.getTime() + days * DAY_MS);
}

/** Whole days from a to b (both calendar days). */
export function daysBetween(a: Date, b: Date): number {
  return Math.round((b.getTime() - a.getTime()) / DAY_MS);
}
