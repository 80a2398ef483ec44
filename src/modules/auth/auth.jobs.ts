import type { Agenda } from 'agenda';
import { mongoose } from '../../lib/db/index.js';
import type { Recurring } from '../../lib/jobs.js';
import { purgeStaleThrottles } from './auth.service.js';

export const JOB_PURGE_SESSIONS = 'auth.purgeSessions';
export const JOB_PURGE_THROTTLES = 'auth.purgeLoginThrottles';

/** Removes expired sessions (the TTL index FerretDB lacks). Safe to run twice or in parallel. */
export async function purgeExpiredSessions(now = new Date()): Promise<number> {
  const res = await mongoose.connection.db!.collection('sessions').deleteMany({ expires: { $lt: now } });
  return res.deletedCount;
}

export function defineAuthJobs(agenda: Agenda): Recurring[] {
  agenda.define(JOB_PURGE_SESSIONS, async () => {
    await purgeExpiredSessions();
  });
  agenda.define(JOB_PURGE_THROTTLES, async () => {
    await purgeStaleThrottles();
  });
  return [
    { name: JOB_PURGE_SESSIONS, interval: '15 minutes' },
    { name: JOB_PURGE_THROTTLES, interval: '1 hour' },
  ];
}
