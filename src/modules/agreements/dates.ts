// Agreement dates (expected sign, signed, effective, expires) are calendar days like event days.
export { DAY_MS, addDays, dayString, daysBetween, parseDay, today } from '../../lib/calendar-days.js';

/** "2026-Q1": stored with each signed agreement so quarters group without date operators. */
export function quarterOf(day: Date | null | undefined): string | null {
  if (!day) return null;
  return `${day.getUTCFullYear()}-Q${Math.floor(day.getUTCMonth() / 3) + 1}`;
}
