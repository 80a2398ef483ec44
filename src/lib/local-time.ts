/**
 * Local wall-clock times ↔ UTC instants for a user's IANA time zone. Forms send what the user
 * sees (datetime-local "2026-03-01T09:30", date "2026-03-01"); the database stores UTC.
 */

const partsFormatters = new Map<string, Intl.DateTimeFormat>();

function partsIn(instant: number, timeZone: string): Record<string, number> {
  let f = partsFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    partsFormatters.set(timeZone, f);
  }
  const out: Record<string, number> = {};
  for (const p of f.formatToParts(new Date(instant))) if (p.type !== 'literal') out[p.type] = Number(p.value);
  return out;
}

function offsetMs(instant: number, timeZone: string): number {
  const p = partsIn(instant, timeZone);
  const asUtc = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
  return asUtc - Math.floor(instant / 1000) * 1000;
}

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for "YYYY-MM-DDTHH:mm[:ss]" naming a real calendar date and time. */
export function isLocalDateTime(value: string): boolean {
  const m = LOCAL.exec(value);
  if (!m) return false;
  const [y, mo, d, h, mi, s] = m.slice(1).map((x) => Number(x ?? 0)) as number[];
  const t = new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, s!));
  return (
    t.getUTCFullYear() === y &&
    t.getUTCMonth() === mo! - 1 &&
    t.getUTCDate() === d &&
    t.getUTCHours() === h &&
    t.getUTCMinutes() === mi &&
    t.getUTCSeconds() === s
  );
}

export function isDay(value: string): boolean {
  return DAY.test(value) && isLocalDateTime(`${value}T00:00`);
}

/**
 * The UTC instant of a wall-clock time in a time zone. A time skipped by a DST change lands
 * an hour off, inside the change.
 */
export function localDateTimeToUtc(local: string, timeZone: string): Date {
  const m = LOCAL.exec(local);
  if (!m || !isLocalDateTime(local)) throw new RangeError(`not a local date-time: ${local}`);
  const [y, mo, d, h, mi, s] = m.slice(1).map((x) => Number(x ?? 0)) as number[];
  const wall = Date.UTC(y!, mo! - 1, d!, h!, mi!, s!);
  const first = wall - offsetMs(wall, timeZone);
  // A second pass settles times whose offset differs from the first guess's (DST changes).
  return new Date(wall - offsetMs(first, timeZone));
}

const pad = (n: number | undefined, w = 2) => String(n ?? 0).padStart(w, '0');

/** "YYYY-MM-DDTHH:mm" as a datetime-local input shows the instant in the time zone. */
export function toLocalDateTimeInput(date: Date, timeZone: string): string {
  const p = partsIn(date.getTime(), timeZone);
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}`;
}

/** "YYYY-MM-DD": the calendar day of the instant in the time zone. */
export function toLocalDay(date: Date, timeZone: string): string {
  return toLocalDateTimeInput(date, timeZone).slice(0, 10);
}

/** The next calendar day ("2026-02-28" → "2026-03-01"). */
export function nextDay(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** Midnight at the start of a calendar day (YYYY-MM-DD) in a time zone, as a UTC instant. */
export function startOfDayInZone(day: string, timeZone: string): Date {
  return localDateTimeToUtc(`${day}T00:00`, timeZone);
}
