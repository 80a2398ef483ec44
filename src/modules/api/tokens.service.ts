import { createHash, randomBytes } from 'node:crypto';
import { Types } from 'mongoose';
import { trusted } from '../../lib/db/index.js';
import { NotFoundError } from '../../lib/errors.js';
import { recordAudit, type AuditContext } from '../audit/index.js';
import { loadSessionUser } from '../users/index.js';
import { ApiTokenModel, type ApiToken } from './api-token.model.js';

/** Tokens read `acrm_` + 43 base64url characters (256 random bits). */
export const TOKEN_PREFIX = 'acrm_';
const TOKEN_PATTERN = /^acrm_[A-Za-z0-9_-]{43}$/;
/** lastUsedAt is written at most once a minute per token, not on every request. */
const LAST_USED_GRANULARITY_MS = 60_000;
export const TOKENS_PER_USER_MAX = 20;

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export type TokenRow = Pick<ApiToken, '_id' | 'name' | 'prefix' | 'lastUsedAt' | 'revokedAt' | 'createdAt'>;

export async function listTokens(userId: Types.ObjectId): Promise<TokenRow[]> {
  return ApiTokenModel.find(
    { user: userId },
    { name: 1, prefix: 1, lastUsedAt: 1, revokedAt: 1, createdAt: 1 },
  )
    .sort({ createdAt: -1, _id: -1 })
    .limit(100)
    .lean<TokenRow[]>();
}

/** Creates a token for the user; the returned secret is never stored and cannot be shown again. */
export async function createToken(
  user: Pick<Express.User, '_id'>,
  name: string,
  ctx: AuditContext,
): Promise<{ token: string; row: ApiToken }> {
  const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  const created = await ApiTokenModel.create({
    user: user._id,
    name,
    tokenHash: hashToken(token),
    prefix: token.slice(0, TOKEN_PREFIX.length + 6),
  });
  const row = created.toObject() as ApiToken;
  await recordAudit(ctx, {
    action: 'api_token.create',
    entity: 'api_token',
    entityId: row._id,
    changes: [{ field: 'name', before: null, after: name }],
  });
  return { token, row };
}

export async function activeTokenCount(userId: Types.ObjectId): Promise<number> {
  return ApiTokenModel.countDocuments({ user: userId, revokedAt: null });
}

/** Revokes one of the user's own tokens (another user's token is not found). */
export async function revokeToken(
  id: string,
  user: Pick<Express.User, '_id'>,
  ctx: AuditContext,
): Promise<ApiToken> {
  if (!Types.ObjectId.isValid(id)) throw new NotFoundError();
  const token = await ApiTokenModel.findOne({ _id: new Types.ObjectId(id), user: user._id }).lean<ApiToken>();
  if (!token) throw new NotFoundError();
  if (token.revokedAt) return token;
  const revokedAt = new Date();
  await ApiTokenModel.updateOne({ _id: token._id, revokedAt: null }, { $set: { revokedAt } });
  await recordAudit(ctx, {
    action: 'api_token.revoke',
    entity: 'api_token',
    entityId: token._id,
    changes: [{ field: 'revokedAt', before: null, after: revokedAt }],
    meta: { name: token.name },
  });
  return { ...token, revokedAt };
}

/**
 * The user a bearer token stands for, or null (unknown, revoked, or its user disabled). Looks
 * the token up by its hash, so the secret itself is never compared or stored.
 */
export async function authenticateToken(
  token: string,
  now = new Date(),
): Promise<{ user: Express.User; tokenId: Types.ObjectId } | null> {
  if (!TOKEN_PATTERN.test(token)) return null;
  const row = await ApiTokenModel.findOne({ tokenHash: hashToken(token), revokedAt: null }, { user: 1 }).lean<
    Pick<ApiToken, '_id' | 'user'>
  >();
  if (!row) return null;
  const user = await loadSessionUser(row.user.toHexString());
  if (!user) return null;
  await ApiTokenModel.updateOne(
    {
      _id: row._id,
      $or: [
        { lastUsedAt: null },
        { lastUsedAt: trusted({ $lt: new Date(now.getTime() - LAST_USED_GRANULARITY_MS) }) },
      ],
    },
    { $set: { lastUsedAt: now } },
  );
  return { user, tokenId: row._id };
}
