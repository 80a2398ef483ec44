// Plaque days are calendar days (lib/calendar-days.ts): a plaque valid until 31 Dec 2027 is
// valid through that day wherever the reader is.
export { dayString, parseDay, today as todayIn } from '../../lib/calendar-days.js';
