import type { Request } from 'express';
import { Types } from 'mongoose';
import { trusted } from '../../lib/db/index.js';
import { decodeCursor, toPage, type Page } from '../../lib/cursor.js';
import { AuditEntryModel, type AuditEntry } from './audit.model.js';

export interface AuditActor {
  _id: Types.ObjectId | string;
  email: string;
}

/** Who did it and from where; built once per request by auditContext(req). */
export interface AuditContext {
  actor: AuditActor | null;
  ip: string | null;
}

export interface Change {
  field: string;
  before: unknown;
  after: unknown;
}

export interface AuditRecord {
  action: string;
  entity: string;
  entityId?: Types.ObjectId | string | null;
  changes?: Change[];
  meta?: Record<string, unknown> | null;
}

export const SYSTEM: AuditContext = { actor: null, ip: null };

export function auditContext(req: Request): AuditContext {
  return {
    actor: req.user ? { _id: req.user._id, email: req.user.email } : null,
    ip: req.ip ?? null,
  };
}

export async function recordAudit(ctx: AuditContext, entry: AuditRecord): Promise<void> {
  await AuditEntryModel.create({
    at: new Date(),
    actor: ctx.actor ? new Types.ObjectId(String(ctx.actor._id)) : null,
    actorEmail: ctx.actor?.email ?? null,
    action: entry.action,
    entity: entry.entity,
    entityId: entry.entityId != null ? String(entry.entityId) : null,
    changes: entry.changes ?? [],
    meta: entry.meta ?? null,
    ip: ctx.ip,
  });
}

function comparable(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Types.ObjectId) return value.toHexString();
  return JSON.stringify(value ?? null);
}

function plain(value: unknown): unknown {
  if (value instanceof Types.ObjectId) return value.toHexString();
  if (Array.isArray(value)) return value.map(plain);
  return value ?? null;
}

/**
 * The fields whose values differ. Secret fields are listed as changed without their values,
 * so the audit log never holds a password hash.
 */
export function diffFields(
  before: Record<string, unknown> | null,
  after: Record<string, unknown>,
  fields: readonly string[],
  secret: readonly string[] = [],
): Change[] {
  const changes: Change[] = [];
  for (const field of fields) {
    const a = before?.[field];
    const b = after[field];
    if (comparable(a) === comparable(b)) continue;
    changes.push(
      secret.includes(field)
        ? { field, before: null, after: '[changed]' }
        : { field, before: plain(a), after: plain(b) },
    );
  }
  return changes;
}

export interface AuditFilter {
  actor?: string | undefined;
  entity?: string | undefined;
  action?: string | undefined;
  entityId?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  after?: string | undefined;
}

export const AUDIT_PAGE_SIZE = 50;

export async function listAudit(filter: AuditFilter, limit = AUDIT_PAGE_SIZE): Promise<Page<AuditEntry>> {
  const query: Record<string, unknown> = {};
  if (filter.actor) query.actor = new Types.ObjectId(filter.actor);
  if (filter.entity) query.entity = filter.entity;
  if (filter.action) query.action = filter.action;
  if (filter.entityId) query.entityId = filter.entityId;
  const at: Record<string, Date> = {};
  if (filter.from) at.$gte = filter.from;
  if (filter.to) at.$lt = filter.to;
  if (Object.keys(at).length) query.at = trusted(at);
  const cursor = decodeCursor(filter.after);
  if (cursor) query._id = trusted({ $lt: new Types.ObjectId(cursor.id) });
  const rows = await AuditEntryModel.find(query)
    .sort({ _id: -1 })
    .limit(limit + 1)
    .lean<AuditEntry[]>();
  return toPage(rows, limit, () => null);
}

/** Entity and action names for the filter menus; distinct walks the indexes on MongoDB. */
export async function auditFacets(): Promise<{ entities: string[]; actions: string[] }> {
  const [entities, actions] = await Promise.all([
    AuditEntryModel.distinct('entity'),
    AuditEntryModel.distinct('action'),
  ]);
  return { entities: (entities as string[]).sort(), actions: (actions as string[]).sort() };
}
