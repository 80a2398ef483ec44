import { Agenda } from 'agenda';
import { MongoBackend } from '@agendajs/mongo-backend';
import type { Db } from 'mongodb';
import { logger } from './logger.js';

/** A job a module wants run on a schedule; the runner schedules it once Agenda has started. */
export interface Recurring {
  name: string;
  interval: string;
  data?: Record<string, unknown>;
}

/** Each feature exports one of these: it defines its handlers and lists its schedules. */
export type JobDefiner = (agenda: Agenda) => Recurring[];

let agenda: Agenda | undefined;

export async function startJobs(db: Db, definers: JobDefiner[]): Promise<Agenda> {
  const instance = new Agenda({
    backend: new MongoBackend({ mongo: db, collection: 'agendaJobs' }),
    processEvery: '30 seconds',
    maxConcurrency: 10,
    defaultLockLifetime: 10 * 60_000,
  });
  instance.on('error', (err: unknown) => logger.error({ err }, 'agenda error'));
  instance.on('fail', (err: unknown, job: { attrs: { name: string } }) =>
    logger.error({ err, job: job.attrs.name }, 'job failed'),
  );
  const recurring = definers.flatMap((define) => define(instance));
  await instance.start();
  for (const r of recurring) {
    // every() keeps one document per job name, so two instances schedule it once in total.
    await instance.every(r.interval, r.name, r.data ?? {}, { skipImmediate: true });
  }
  agenda = instance;
  return instance;
}

/** Stops taking jobs and unlocks running ones so the next instance picks them up. */
export async function stopJobs(): Promise<void> {
  const instance = agenda;
  agenda = undefined;
  if (instance) await instance.stop();
}

export function jobs(): Agenda | undefined {
  return agenda;
}
