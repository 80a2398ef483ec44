export { ApiTokenModel, type ApiToken } from './api-token.model.js';
export {
  authenticateToken,
  createToken,
  hashToken,
  listTokens,
  revokeToken,
  TOKEN_PREFIX,
} from './tokens.service.js';
export { RATE_LIMIT, purgeRateWindows } from './rate-limit.js';
export { defineApiJobs, JOB_PURGE_IDEMPOTENCY_KEYS, JOB_PURGE_RATE_WINDOWS } from './api.jobs.js';
export {
  IDEMPOTENCY_HEADER,
  IDEMPOTENCY_TTL_MS,
  IDEMPOTENCY_WAIT,
  IdempotencyKeyModel,
  purgeIdempotencyKeys,
  REPLAYED_HEADER,
} from './idempotency.js';
export { apiRouter } from './api.routes.js';
export { apiTokensRouter } from './tokens.routes.js';
