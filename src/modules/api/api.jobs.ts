import type { Agenda } from 'agenda';
import type { Recurring } from '../../lib/jobs.js';
import { purgeIdempotencyKeys } from './idempotency.js';
import { purgeRateWindows } from './rate-limit.js';

export const JOB_PURGE_RATE_WINDOWS = 'api.purgeRateWindows';
export const JOB_PURGE_IDEMPOTENCY_KEYS = 'api.purgeIdempotencyKeys';

export function defineApiJobs(agenda: Agenda): Recurring[] {
  agenda.define(JOB_PURGE_RATE_WINDOWS, async () => {
    await purgeRateWindows(new Date());
  });
  // FerretDB v1 has no TTL indexes (expireAfterSeconds came in v2): keys expire by this sweep.
  agenda.define(JOB_PURGE_IDEMPOTENCY_KEYS, async () => {
    await purgeIdempotencyKeys(new Date());
  });
  return [
    { name: JOB_PURGE_RATE_WINDOWS, interval: '1 hour' },
    { name: JOB_PURGE_IDEMPOTENCY_KEYS, interval: '1 hour' },
  ];
}
