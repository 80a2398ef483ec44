import type { Express, Router } from 'express';
import { auditRouter } from './modules/audit/index.js';
import { authRouter } from './modules/auth/index.js';
import { comingSoonRouter } from './modules/coming-soon/index.js';
import { contactsRouter } from './modules/contacts/index.js';
import { eventsRouter } from './modules/events/index.js';
import { healthRouter } from './modules/health/index.js';
import { homeRouter } from './modules/home/index.js';
import {
  followUpsRouter,
  interactionsRouter,
  partnerInteractionsRouter,
} from './modules/interactions/index.js';
import { notificationsRouter } from './modules/notifications/index.js';
import { partnersRouter } from './modules/partners/index.js';
import { profileRouter, usersRouter } from './modules/users/index.js';
import { targetsRouter } from './modules/targets/index.js';

/** Mounted before sessions and the database gate: they must answer while the database is down. */
export const EARLY_MOUNTS: [string, Router][] = [['/', healthRouter]];

/** Every feature router and where it is mounted: the one routes table. */
export const MOUNTS: [string, Router][] = [
  ['/', authRouter],
  ['/', homeRouter],
  ['/', partnersRouter],
  ['/profile', profileRouter],
  ['/admin/users', usersRouter],
  ['/admin/audit', auditRouter],
  ['/partners', partnerInteractionsRouter],
  ['/interactions', interactionsRouter],
  ['/follow-ups', followUpsRouter],
  ['/notifications', notificationsRouter],
  ['/', contactsRouter],
  ['/', eventsRouter],
  ['/', targetsRouter],
  ['/', comingSoonRouter],
];

export const ALL_MOUNTS: [string, Router][] = [...EARLY_MOUNTS, ...MOUNTS];

export function mountEarlyRoutes(app: Express): void {
  for (const [path, router] of EARLY_MOUNTS) app.use(path, router);
}

export function mountRoutes(app: Express): void {
  for (const [path, router] of MOUNTS) app.use(path, router);
}
