import type { Express } from 'express';
import request from 'supertest';
import type { Role } from '../../src/lib/permissions.js';
import { createUser, type TestUser } from '../factories/user.js';

export type Agent = ReturnType<typeof request.agent>;

export function csrfFrom(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m) throw new Error('no _csrf field in page');
  return m[1]!;
}

export interface LoggedIn {
  agent: Agent;
  user: TestUser;
  /** A CSRF token valid for this agent's session. */
  csrf: string;
  /** POST a form with the CSRF token added. */
  post: (url: string, form?: Record<string, string | string[]>) => request.Test;
}

export async function signIn(app: Express, email: string, password: string): Promise<Agent> {
  const agent = request.agent(app);
  const page = await agent.get('/login').expect(200);
  const res = await agent
    .post('/login')
    .type('form')
    .send({ _csrf: csrfFrom(page.text), email, password });
  if (res.status !== 302) throw new Error(`login as ${email} failed: ${res.status}`);
  return agent;
}

/** A signed-in supertest agent for a new user of the given role, with CSRF handled. */
export async function loginAs(
  app: Express,
  role: Role,
  overrides: Partial<TestUser> = {},
): Promise<LoggedIn> {
  const user = await createUser({ role, ...overrides });
  const agent = await signIn(app, user.email, user.password);
  const home = await agent.get('/profile').expect(200);
  const csrf = csrfFrom(home.text);
  return {
    agent,
    user,
    csrf,
    post: (url, form = {}) =>
      agent
        .post(url)
        .type('form')
        .send({ _csrf: csrf, ...form }),
  };
}
