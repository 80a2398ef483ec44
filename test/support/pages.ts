import type { Express } from 'express';
import { Types } from 'mongoose';
import request from 'supertest';
import { csrfFrom, type Agent } from './agent.js';

/** An anonymous agent holding a CSRF token from the sign-in page (some user must exist). */
export async function anonymous(app: Express): Promise<{ agent: Agent; csrf: string }> {
  const agent = request.agent(app);
  const page = await agent.get('/login').expect(200);
  return { agent, csrf: csrfFrom(page.text) };
}

/** A route path with every `:param` replaced by a fresh ObjectId hex, so it names no record. */
export function concretePath(path: string): string {
  return path.replace(/:[A-Za-z_]+/g, () => new Types.ObjectId().toHexString());
}

/** The Set-Cookie line of the named cookie, or undefined. */
export function setCookie(res: request.Response, name: string): string | undefined {
  const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  return cookies.find((c) => c.startsWith(`${name}=`));
}

/** The ids of records linked as `<prefix>/<id>` in a page, in page order. */
export function linkedIds(html: string, prefix: string): string[] {
  const escaped = prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return [...html.matchAll(new RegExp(`href="${escaped}/([0-9a-f]{24})"`, 'g'))].map((m) => m[1]!);
}

/** The href of the "Next page" link (HTML entities decoded), or undefined on the last page. */
export function nextPageHref(html: string): string | undefined {
  const m = /href="([^"]*)" rel="next"/.exec(html);
  return m ? m[1]!.replace(/&amp;/g, '&') : undefined;
}
