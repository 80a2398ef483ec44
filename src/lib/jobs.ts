import { Agenda } from 'agenda';
import { MongoBackend } from '@agendajs/mongo-backend';
import { ObjectId, type Collection, type Db } from 'mongodb';
import { logger } from './logger.js';

export const JOBS_COLLECTION = 'agendaJobs';

/** A job a module wants run on a schedule; the runner schedules it once Agenda has started. */
export interface Recurring {
  name: string;
  interval: string;
  data?: Record<string, unknown>;
}

/** Each feature exports one of these: it defines its handlers and lists its schedules. */
export type JobDefiner = (agenda: Agenda) => Recurring[];

/** The started instance and the jobs it is running (stop() leaves their locks held until they finish). */
let current: { agenda: Agenda; running: Set<unknown>; db: Db } | undefined;

export async function startJobs(db: Db, definers: JobDefiner[]): Promise<Agenda> {
  const instance = new Agenda({
    backend: new MongoBackend({ mongo: db, collection: JOBS_COLLECTION }),
    processEvery: '30 seconds',
    maxConcurrency: 10,
    defaultLockLifetime: 10 * 60_000,
  });
  instance.on('error', (err: unknown) => logger.error({ err }, 'agenda error'));
  instance.on('fail', (err: unknown, job: { attrs: { name: string } }) =>
    logger.error({ err, job: job.attrs.name }, 'job failed'),
  );
  const running = new Set<unknown>();
  instance.on('start', (job: unknown) => running.add(job));
  // 'complete' comes after Agenda has saved the job's state and released its lock.
  instance.on('complete', (job: unknown) => running.delete(job));
  const recurring = definers.flatMap((define) => define(instance));
  await instance.start();
  const scheduled = db.collection<{ name: string; repeatInterval?: string }>(JOBS_COLLECTION);
  for (const r of recurring) {
    // every() rewrites nextRunAt, so calling it on each start would postpone the job at every
    // restart (rolling deploys could postpone it for ever). Schedule only what is new or changed.
    const existing = await scheduled.findOne({ name: r.name, type: 'single' });
    if (existing?.repeatInterval === r.interval) continue;
    await instance.every(r.interval, r.name, r.data ?? {}, { skipImmediate: true });
    // every() upserts one document per job name, but two instances starting together can both
    // insert it on FerretDB (racing upserts both succeed there), and with copies stored the upsert
    // may update any one of them. Whichever instance finishes last sees every copy and keeps one.
    await keepOneSchedule(scheduled, r);
  }
  current = { agenda: instance, running, db };
  return instance;
}

/** Keeps the oldest copy of a schedule that has its current interval, and deletes the others. */
async function keepOneSchedule(
  scheduled: Collection<{ name: string; repeatInterval?: string }>,
  r: Recurring,
): Promise<void> {
  const copies = await scheduled
    .find({ name: r.name, type: 'single' }, { projection: { _id: 1, repeatInterval: 1 } })
    .sort({ _id: 1 })
    .toArray();
  if (copies.length < 2) return;
  const keep = copies.find((c) => c.repeatInterval === r.interval) ?? copies[0]!;
  const drop = copies.filter((c) => c !== keep).map((c) => c._id);
  await scheduled.deleteMany({ _id: { $in: drop } });
}

/**
 * Stops taking jobs, unlocks the ones queued here but not started, and waits (up to graceMs)
 * for running ones to finish: Agenda 6's stop() does not wait, and a job cut off by the
 * database closing would keep its lock for defaultLockLifetime.
 */
export async function stopJobs(graceMs = 5_000): Promise<void> {
  const stopping = current;
  current = undefined;
  if (!stopping) return;
  const { agenda: instance, running, db } = stopping;
  await instance.stop();
  if (running.size === 0) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      instance.off('complete', check);
      logger.warn({ running: running.size }, 'jobs still running at shutdown');
      void releaseUnfinished(db, running).finally(resolve);
    }, graceMs);
    function check(): void {
      if (running.size > 0) return;
      clearTimeout(timer);
      instance.off('complete', check);
      resolve();
    }
    instance.on('complete', check);
  });
}

/**
 * Jobs cut off by shutdown: unlock them and make them due now, so the next start (or another
 * instance) re-runs them at once instead of waiting out the 10-minute lock lifetime (a one-off
 * job's nextRunAt is null while it runs, so it would never run again). Handlers are idempotent.
 */
async function releaseUnfinished(db: Db, running: Set<unknown>): Promise<void> {
  // Agenda 6 hands out ids as strings or ObjectIds depending on the backend path.
  const ids = [...running]
    .map((job) => (job as { attrs: { _id?: unknown } }).attrs._id)
    .filter((id) => id != null && ObjectId.isValid(String(id)))
    .map((id) => new ObjectId(String(id)));
  if (!ids.length) return;
  try {
    await db
      .collection(JOBS_COLLECTION)
      .updateMany({ _id: { $in: ids } }, { $unset: { lockedAt: '' }, $set: { nextRunAt: new Date() } });
    logger.warn({ released: ids.length }, 'unfinished jobs released for the next start');
  } catch (err) {
    logger.error({ err }, 'releasing unfinished jobs failed');
  }
}

export function jobs(): Agenda | undefined {
  return current?.agenda;
}
