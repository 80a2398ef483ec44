import type { Express, Router } from 'express';
import { agreementsRouter } from './modules/agreements/index.js';
import { apiRouter, apiTokensRouter } from './modules/api/index.js';
import { auditRouter } from './modules/audit/index.js';
import { authRouter } from './modules/auth/index.js';
import { casesRouter } from './modules/cases/index.js';
import { comingSoonRouter } from './modules/coming-soon/index.js';
import { contactsRouter } from './modules/contacts/index.js';
import { desksRouter, routingRouter } from './modules/desks/index.js';
import { eventsRouter } from './modules/events/index.js';
import { exportsRouter } from './modules/exports/index.js';
import { importsRouter } from './modules/imports/index.js';
import { healthRouter } from './modules/health/index.js';
import { homeRouter } from './modules/home/index.js';
import {
  followUpsRouter,
  interactionsRouter,
  partnerInteractionsRouter,
} from './modules/interactions/index.js';
import { notificationsRouter } from './modules/notifications/index.js';
import { partnersRouter } from './modules/partners/index.js';
import { plaquesRouter } from './modules/plaques/index.js';
import { profileRouter, usersRouter } from './modules/users/index.js';
import { targetsRouter } from './modules/targets/index.js';

/**
 * Mounted before sessions, CSRF and the database gate: health must answer while the database is
 * down, and the JSON API authenticates by bearer token only (it adds its own gate and parser).
 */
export const EARLY_MOUNTS: [string, Router][] = [
  ['/', healthRouter],
  ['/api/v1', apiRouter],
];

/** Every feature router and where it is mounted: the one routes table. */
export const MOUNTS: [string, Router][] = [
  ['/', authRouter],
  ['/', homeRouter],
  // Before the feature routers: /partners/export.csv and /partners/import are not partner ids.
  ['/', exportsRouter],
  ['/', importsRouter],
  ['/', partnersRouter],
  ['/', apiTokensRouter],
  ['/profile', profileRouter],
  ['/admin/users', usersRouter],
  ['/admin/audit', auditRouter],
  ['/admin/desks', desksRouter],
  ['/admin/routing', routingRouter],
  ['/partners', partnerInteractionsRouter],
  ['/interactions', interactionsRouter],
  ['/follow-ups', followUpsRouter],
  ['/notifications', notificationsRouter],
  ['/', contactsRouter],
  ['/', eventsRouter],
  ['/', agreementsRouter],
  ['/', plaquesRouter],
  ['/', casesRouter],
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
