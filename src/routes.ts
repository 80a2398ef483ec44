import type { Express, Router } from 'express';
import { auditRouter } from './modules/audit/index.js';
import { authRouter } from './modules/auth/index.js';
import { comingSoonRouter } from './modules/coming-soon/index.js';
import { healthRouter } from './modules/health/index.js';
import { homeRouter } from './modules/home/index.js';
import { profileRouter, usersRouter } from './modules/users/index.js';

/** Mounted before sessions and the database gate: they must answer while the database is down. */
export const EARLY_MOUNTS: [string, Router][] = [['/', healthRouter]];

/** Every feature router and where it is mounted: the one routes table. */
export const MOUNTS: [string, Router][] = [
  ['/', authRouter],
  ['/', homeRouter],
  ['/profile', profileRouter],
  ['/admin/users', usersRouter],
  ['/admin/audit', auditRouter],
  ['/', comingSoonRouter],
];

export const ALL_MOUNTS: [string, Router][] = [...EARLY_MOUNTS, ...MOUNTS];

export function mountEarlyRoutes(app: Express): void {
  for (const [path, router] of EARLY_MOUNTS) app.use(path, router);
}

export function mountRoutes(app: Express): void {
  for (const [path, router] of MOUNTS) app.use(path, router);
}
