import type { Agenda } from 'agenda';
import type { Recurring } from '../../lib/jobs.js';
import { purgeRateWindows } from './rate-limit.js';

export const JOB_PURGE_RATE_WINDOWS = 'api.purgeRateWindows';

export function defineApiJobs(agenda: Agenda): Recurring[] {
  agenda.define(JOB_PURGE_RATE_WINDOWS, async () => {
    await purgeRateWindows(new Date());
  });
  return [{ name: JOB_PURGE_RATE_WINDOWS, interval: '1 hour' }];
}
