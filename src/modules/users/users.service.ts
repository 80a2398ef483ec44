import { Types } from 'mongoose';
import { mongoose, objectIds, trusted } from '../../lib/db/index.js';
import { decodeCursor, toPage, type Page } from '../../lib/cursor.js';
import { ConflictError, NotFoundError, ValidationError } from '../../lib/errors.js';
import type { Role } from '../../lib/permissions.js';
import { diffFields, recordAudit, type AuditContext } from '../audit/index.js';
import { listDesks } from '../desks/index.js';
import { hashPassword, passwordProblem, verifyPassword } from './password.js';
import { normaliseEmail, PUBLIC_USER_FIELDS, UserModel, type User } from './user.model.js';
import type { CreateUserInput, UpdateUserInput } from './users.schemas.js';

export type PublicUser = Pick<
  User,
  | '_id'
  | 'email'
  | 'name'
  | 'role'
  | 'desks'
  | 'locale'
  | 'timeZone'
  | 'disabledAt'
  | 'lastLoginAt'
  | 'lockedUntil'
> & { createdAt?: Date };

const AUDITED = ['email', 'name', 'role', 'locale', 'timeZone', 'desks', 'disabledAt'] as const;

function isDuplicateKey(err: unknown): boolean {
  return (
    typeof err === 'object' && err !== null && 'code' in err && (err as { code: unknown }).code === 11000
  );
}

export async function countUsers(): Promise<number> {
  return UserModel.estimatedDocumentCount();
}

export async function findUser(id: string): Promise<PublicUser> {
  const user = await UserModel.findById(id, PUBLIC_USER_FIELDS).lean<PublicUser>();
  if (!user) throw new NotFoundError('User not found');
  return user;
}

export async function createUser(input: CreateUserInput, ctx: AuditContext): Promise<PublicUser> {
  const email = normaliseEmail(input.email);
  if (passwordProblem(input.password, email)) {
    throw new ValidationError({ password: 'validation.commonPassword' });
  }
  let created;
  try {
    created = await UserModel.create({
      email,
      name: input.name,
      role: input.role,
      locale: input.locale,
      ...(input.timeZone ? { timeZone: input.timeZone } : {}),
      desks: input.desks?.length ? await desksFromForm(input.desks, []) : [],
      passwordHash: await hashPassword(input.password),
    });
  } catch (err) {
    if (isDuplicateKey(err)) throw new ValidationError({ email: 'users.emailTaken' });
    throw err;
  }
  const after = created.toObject();
  await recordAudit(ctx, {
    action: 'user.create',
    entity: 'user',
    entityId: created._id,
    changes: diffFields(null, after, AUDITED),
  });
  return findUser(created._id.toHexString());
}

async function activeAdminCount(): Promise<number> {
  return UserModel.countDocuments({ role: 'admin', disabledAt: null });
}

async function assertAdminRemains(target: PublicUser, nextRole: Role, disabling: boolean): Promise<void> {
  const losesAdmin = target.role === 'admin' && !target.disabledAt && (nextRole !== 'admin' || disabling);
  if (losesAdmin && (await activeAdminCount()) <= 1) {
    throw new ConflictError('users.lastAdmin');
  }
}

/**
 * The desks to store: the live desks ticked on the form (each must exist) plus the archived
 * desks the user already had, which the form does not show.
 */
async function desksFromForm(
  ticked: string[],
  current: readonly Types.ObjectId[],
): Promise<Types.ObjectId[]> {
  const all = await listDesks({ includeArchived: true });
  const live = new Set(all.filter((d) => !d.archivedAt).map((d) => d._id.toHexString()));
  const archived = new Set(all.filter((d) => d.archivedAt).map((d) => d._id.toHexString()));
  if (ticked.some((id) => !live.has(id))) throw new ValidationError({ desks: 'validation.objectId' });
  const kept = current.map((d) => d.toHexString()).filter((id) => archived.has(id));
  return objectIds([...ticked, ...kept].sort());
}

export async function updateUser(id: string, input: UpdateUserInput, ctx: AuditContext): Promise<PublicUser> {
  const before = await findUser(id);
  await assertAdminRemains(before, input.role, false);
  const desks = await desksFromForm(input.desks, before.desks);
  await UserModel.updateOne({ _id: before._id }, { $set: { ...input, desks } });
  const after = await findUser(id);
  const changes = diffFields(before, after, AUDITED);
  if (changes.length)
    await recordAudit(ctx, { action: 'user.update', entity: 'user', entityId: id, changes });
  return after;
}

/** Ends every stored session of the user: a disabled or re-keyed account is signed out at once. */
export async function endSessionsOf(userId: Types.ObjectId | string): Promise<void> {
  const sessions = mongoose.connection.db?.collection('sessions');
  await sessions?.deleteMany({ 'session.passport.user': String(userId) });
}

export async function setDisabled(id: string, disabled: boolean, ctx: AuditContext): Promise<PublicUser> {
  const before = await findUser(id);
  if (disabled && ctx.actor && String(ctx.actor._id) === id) {
    throw new ConflictError('users.cannotDisableSelf');
  }
  if (disabled) await assertAdminRemains(before, before.role, true);
  if (Boolean(before.disabledAt) === disabled) return before;
  await UserModel.updateOne({ _id: before._id }, { $set: { disabledAt: disabled ? new Date() : null } });
  if (disabled) await endSessionsOf(before._id);
  const after = await findUser(id);
  await recordAudit(ctx, {
    action: disabled ? 'user.disable' : 'user.enable',
    entity: 'user',
    entityId: id,
    changes: diffFields(before, after, ['disabledAt']),
  });
  return after;
}

export async function setPassword(id: string, password: string, ctx: AuditContext): Promise<PublicUser> {
  const user = await findUser(id);
  if (passwordProblem(password, user.email)) {
    throw new ValidationError({ password: 'validation.commonPassword' });
  }
  await UserModel.updateOne(
    { _id: user._id },
    {
      $set: {
        passwordHash: await hashPassword(password),
        passwordChangedAt: new Date(),
        failedLoginCount: 0,
        lockedUntil: null,
      },
    },
  );
  // A reset password usually means a lost or leaked one: every session on the old one ends.
  await endSessionsOf(user._id);
  await recordAudit(ctx, {
    action: 'user.password',
    entity: 'user',
    entityId: id,
    changes: [{ field: 'password', before: null, after: '[changed]' }],
  });
  return user;
}

export async function changeOwnPassword(
  id: string,
  current: string,
  next: string,
  ctx: AuditContext,
): Promise<void> {
  const user = await UserModel.findById(id, { passwordHash: 1 }).lean<{ passwordHash: string }>();
  if (!user || !(await verifyPassword(user.passwordHash, current))) {
    throw new ValidationError({ currentPassword: 'profile.wrongPassword' });
  }
  await setPassword(id, next, ctx);
}

export interface UserListFilter {
  q?: string | undefined;
  role?: Role | '' | undefined;
  state?: 'active' | 'disabled' | '' | undefined;
  after?: string | undefined;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export const USERS_PAGE_SIZE = 50;

/** Users by name, keyset-paginated on (name, _id). */
export async function listUsers(filter: UserListFilter, limit = USERS_PAGE_SIZE): Promise<Page<PublicUser>> {
  const and: Record<string, unknown>[] = [];
  if (filter.role) and.push({ role: filter.role });
  if (filter.state === 'active') and.push({ disabledAt: null });
  if (filter.state === 'disabled') and.push({ disabledAt: trusted({ $ne: null }) });
  if (filter.q) {
    const rx = trusted({ $regex: escapeRegex(filter.q.toLowerCase()), $options: 'i' });
    and.push({ $or: [{ email: rx }, { name: rx }] });
  }
  const cursor = decodeCursor(filter.after);
  if (cursor) {
    const name = String(cursor.v ?? '');
    const id = new Types.ObjectId(cursor.id);
    and.push({ $or: [{ name: trusted({ $gt: name }) }, { name, _id: trusted({ $gt: id }) }] });
  }
  const query = and.length ? { $and: and } : {};
  const rows = await UserModel.find(query, PUBLIC_USER_FIELDS)
    .sort({ name: 1, _id: 1 })
    .limit(limit + 1)
    .lean<PublicUser[]>();
  return toPage(rows, limit, (u) => u.name);
}

/** Active users for owner/assignee pickers. */
export async function activeUsers(): Promise<Pick<User, '_id' | 'name' | 'email' | 'role'>[]> {
  return UserModel.find({ disabledAt: null }, { name: 1, email: 1, role: 1 })
    .sort({ name: 1 })
    .lean<Pick<User, '_id' | 'name' | 'email' | 'role'>[]>();
}

export async function updateProfile(
  id: string,
  input: { name: string; locale: User['locale']; timeZone: string },
  ctx: AuditContext,
): Promise<void> {
  const before = await findUser(id);
  await UserModel.updateOne({ _id: before._id }, { $set: input });
  const after = await findUser(id);
  const changes = diffFields(before, after, AUDITED);
  if (changes.length)
    await recordAudit(ctx, { action: 'user.profile', entity: 'user', entityId: id, changes });
}

export async function setLocale(id: Types.ObjectId, locale: User['locale']): Promise<void> {
  await UserModel.updateOne({ _id: id }, { $set: { locale } });
}

export { isDuplicateKey };

/** The request's user: active accounts only, public fields only. */
export async function loadSessionUser(id: string): Promise<Express.User | null> {
  if (!Types.ObjectId.isValid(id)) return null;
  const user = await UserModel.findOne(
    { _id: new Types.ObjectId(id), disabledAt: null },
    { email: 1, name: 1, role: 1, desks: 1, locale: 1, timeZone: 1 },
  ).lean<Express.User>();
  return user ?? null;
}

/** id → name for rows that show people (owners, authors): one query per page, no N+1. */
export async function userNames(
  ids: (Types.ObjectId | string | null | undefined)[],
): Promise<Map<string, string>> {
  const unique = objectIds(ids);
  if (!unique.length) return new Map();
  const rows = await UserModel.find({ _id: trusted({ $in: unique }) }, { name: 1 }).lean<
    { _id: Types.ObjectId; name: string }[]
  >();
  return new Map(rows.map((r) => [r._id.toHexString(), r.name]));
}
