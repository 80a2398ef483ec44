import type Joi from 'joi';
import { Types } from 'mongoose';
import { listRoutes, type RouteInfo } from '../../src/lib/route-table.js';
import { ALL_MOUNTS } from '../../src/routes.js';
import type { Agent } from './agent.js';

/** Every mounted route with its guard and validate() schemas (new modules are picked up on merge). */
export const ROUTES: RouteInfo[] = listRoutes(ALL_MOUNTS);

/** The top-level keys a Joi object schema names (empty for none or a non-object schema). */
export function schemaKeys(schema: Joi.Schema | undefined | null): string[] {
  if (!schema) return [];
  const described = schema.describe() as { keys?: Record<string, unknown> };
  return Object.keys(described.keys ?? {});
}

/** Known record ids by the URL prefix whose `:id` names them, e.g. '/partners' → a partner id. */
export type KnownIds = Record<string, string>;

const HEX = /^[0-9a-f]{24}$/;

/**
 * A route path with its params filled: the id of a known record when the path's prefix (or the
 * param's name, e.g. partnerId → /partners) names one; else the first record the prefix's list
 * page links to (so a module merged later is walked with a real record when it has any); else a
 * fresh id that names no record.
 */
export async function realPath(path: string, known: KnownIds, agent?: Agent): Promise<string> {
  const parts = path.split('/');
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (!part.startsWith(':')) continue;
    const name = part.slice(1);
    const prefix = name === 'id' ? parts.slice(0, i).join('/') : `/${name.replace(/Id$/, '')}s`;
    let id = known[prefix];
    if (!id && agent) {
      const list = await agent.get(prefix);
      const escaped = prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      const m = list.status === 200 ? new RegExp(`href="${escaped}/([0-9a-f]{24})"`).exec(list.text) : null;
      if (m) id = known[prefix] = m[1]!;
    }
    parts[i] = id && HEX.test(id) ? id : new Types.ObjectId().toHexString();
  }
  return parts.join('/');
}

/** The distinct ids linked from a page (`href="…/<24 hex>…"`) that are among `ids`. */
export function linkedAmong(html: string, ids: ReadonlySet<string>): string[] {
  const found = new Set<string>();
  for (const m of html.matchAll(/href="[^"]*?\/([0-9a-f]{24})(?=[/?"#])/g)) {
    if (ids.has(m[1]!)) found.add(m[1]!);
  }
  return [...found].sort();
}
