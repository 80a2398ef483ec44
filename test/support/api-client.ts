import type { Express } from 'express';
import request from 'supertest';
import type { Role } from '../../src/lib/permissions.js';
import { createToken } from '../../src/modules/api/index.js';
import { SYSTEM } from '../../src/modules/audit/index.js';
import { createUser, type TestUser } from '../factories/user.js';

export interface ApiClient {
  user: Pick<TestUser, '_id' | 'email' | 'role'>;
  token: string;
  get: (path: string) => request.Test;
  post: (path: string, body?: unknown) => request.Test;
  put: (path: string, body?: unknown) => request.Test;
}

/** An API client calling /api/v1 with a fresh personal token of this user. */
export async function apiFor(app: Express, user: ApiClient['user']): Promise<ApiClient> {
  const { token } = await createToken(user, `${user.role} token`, SYSTEM);
  const auth = `Bearer ${token}`;
  const send = (method: 'post' | 'put', path: string, body: unknown) =>
    request(app)
      [method](`/api/v1${path}`)
      .set('Authorization', auth)
      .send(body as object);
  return {
    user,
    token,
    get: (path) => request(app).get(`/api/v1${path}`).set('Authorization', auth),
    post: (path, body = {}) => send('post', path, body),
    put: (path, body = {}) => send('put', path, body),
  };
}

/** A new user of the role with an API client. */
export async function apiAs(app: Express, role: Role, overrides: Partial<TestUser> = {}): Promise<ApiClient> {
  return apiFor(app, await createUser({ role, ...overrides }));
}
