import type { Agenda } from 'agenda';
import type { Recurring } from '../../lib/jobs.js';
import { logger } from '../../lib/logger.js';
import { expirePlaques } from './plaques.service.js';

export const JOB_EXPIRE_PLAQUES = 'plaques.expire';

export function definePlaqueJobs(agenda: Agenda): Recurring[] {
  agenda.define(JOB_EXPIRE_PLAQUES, async () => {
    const expired = await expirePlaques(new Date());
    if (expired) logger.info({ expired }, 'plaques expired');
  });
  return [{ name: JOB_EXPIRE_PLAQUES, interval: '1 hour' }];
}
