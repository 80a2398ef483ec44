import { Agenda } from 'agenda';
import { MongoBackend } from '@agendajs/mongo-backend';
import type { Db } from 'mongodb';
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
let current: { agenda: Agenda; running: Set<unknown> } | undefined;

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
    // every() keeps one document per job name, so two instances schedule it once in total.
    await instance.every(r.interval, r.name, r.data ?? {}, { skipImmediate: true });
  }
  current = { agenda: instance, running };
  return instance;
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
  const { agenda: instance, running } = stopping;
  await instance.stop();
  if (running.size === 0) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      instance.off('complete', check);
      logger.warn({ running: running.size }, 'jobs still running at shutdown');
      resolve();
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

export function jobs(): Agenda | undefined {
  return current?.agenda;
}
