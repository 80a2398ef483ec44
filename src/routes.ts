import type { Express, Router } from 'express';
import { auditRouter } from './modules/audit/index.js';
import { authRouter } from './modules/auth/index.js';
import { comingSoonRouter } from './modules/coming-soon/index.js';
import { homeRouter } from './modules/home/index.js';
import { profileRouter, usersRouter } from './modules/users/index.js';

/** Every feature router and where it is mounted: the one routes table. */
export const MOUNTS: [string, Router][] = [
  ['/', authRouter],
  ['/', homeRouter],
  ['/profile', profileRouter],
  ['/admin/users', usersRouter],
  ['/admin/audit', auditRouter],
  ['/', comingSoonRouter],
];

export function mountRoutes(app: Express): void {
  for (const [path, router] of MOUNTS) app.use(path, router);
}
