import { randomBytes } from 'node:crypto';
import type { Types } from 'mongoose';
import type { Role } from '../../src/lib/permissions.js';
import { hashPassword, UserModel } from '../../src/modules/users/index.js';

export interface TestUser {
  _id: Types.ObjectId;
  email: string;
  name: string;
  role: Role;
  password: string;
  locale: 'en' | 'zh-CN';
  disabledAt?: Date | null;
}

let seq = 0;
let cachedHash: { password: string; hash: Promise<string> } | undefined;

export function buildUser(overrides: Partial<TestUser> = {}): Omit<TestUser, '_id'> {
  seq += 1;
  const tag = `${seq}${randomBytes(3).toString('hex')}`;
  return {
    email: `user${tag}@example.test`,
    name: `Test User ${tag}`,
    role: 'coordinator',
    password: 'correct horse battery staple',
    locale: 'en',
    ...overrides,
  };
}

/** Inserts a user directly (argon2 hashing is slow, so the default password's hash is reused). */
export async function createUser(overrides: Partial<TestUser> = {}): Promise<TestUser> {
  const u = buildUser(overrides);
  if (!cachedHash || cachedHash.password !== u.password) {
    if (u.password === 'correct horse battery staple') {
      cachedHash = { password: u.password, hash: hashPassword(u.password) };
    }
  }
  const passwordHash =
    cachedHash && cachedHash.password === u.password ? await cachedHash.hash : await hashPassword(u.password);
  const doc = await UserModel.create({
    email: u.email,
    name: u.name,
    role: u.role,
    locale: u.locale,
    passwordHash,
    disabledAt: u.disabledAt ?? null,
  });
  return { ...u, _id: doc._id };
}
