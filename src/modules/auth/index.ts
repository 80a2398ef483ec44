export { authRouter } from './auth.routes.js';
export { passport } from './passport.js';
export {
  sessionMiddleware,
  absoluteTimeout,
  SESSION_COOKIE,
  IDLE_TIMEOUT_MS,
  ABSOLUTE_TIMEOUT_MS,
} from './session.js';
export { defineAuthJobs, purgeExpiredSessions, JOB_PURGE_SESSIONS } from './auth.jobs.js';
export { authenticate, countAttempt, LOCKOUT, THROTTLE } from './auth.service.js';
