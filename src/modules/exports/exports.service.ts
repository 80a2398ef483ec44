import type { Writable } from 'node:stream';
import { csvWriter } from '../../lib/export/csv.js';
import type { TableWriter } from '../../lib/export/writer.js';
import { xlsxWriter } from '../../lib/export/xlsx.js';
import { BadRequestError, ForbiddenError } from '../../lib/errors.js';
import { translator } from '../../lib/i18n.js';
import { can } from '../../lib/permissions.js';
import { recordAudit, type AuditContext } from '../audit/index.js';
import type { ExportFormat } from './export-job.model.js';
import { columnsFor, type AnyExportDefinition } from './registry.js';

/** Above this many rows an export runs in the background instead of in the request. */
export const BACKGROUND_THRESHOLD = 50_000;
/** Rows fetched before the batch's lookups run (owner e-mails, partner names). */
const BATCH = 500;

export interface ExportOptions {
  format: ExportFormat;
  /** The list's filters, validated by the definition's schema (without `after`). */
  filters: Record<string, unknown>;
  /** Column keys in order; empty for the default columns. */
  columns: string[];
  headers: 'keys' | 'labels';
}

export function assertMayExport(def: AnyExportDefinition, user: Express.User | undefined): void {
  if (!user || !can(user, def.action) || !can(user, def.readAction)) throw new ForbiddenError();
}

/** The chosen columns (unknown or hidden keys are a field error), or the default ones. */
export function chosenColumns(def: AnyExportDefinition, user: Express.User, keys: string[]) {
  const available = columnsFor(def, user);
  if (!keys.length) {
    const defaults = def.defaultColumns ?? available.map((c) => c.key);
    return available
      .filter((c) => defaults.includes(c.key))
      .sort((a, b) => defaults.indexOf(a.key) - defaults.indexOf(b.key));
  }
  const byKey = new Map(available.map((c) => [c.key, c]));
  const unknown = keys.filter((k) => !byKey.has(k));
  if (unknown.length) {
    throw new BadRequestError('Unknown export columns', { columns: `unknown: ${unknown.join(', ')}` });
  }
  return [...new Set(keys)].map((k) => byKey.get(k)!);
}

/** How many rows the export would hold (decides background or not, and the job's total). */
export async function countRows(
  def: AnyExportDefinition,
  user: Express.User,
  filters: Record<string, unknown>,
): Promise<number> {
  const source = await def.query(user, filters);
  return source ? source.count() : 0;
}

export function fileName(def: AnyExportDefinition, format: ExportFormat, now = new Date()): string {
  const stamp = now.toISOString().slice(0, 10);
  return `${def.basePath.replace(/^\//, '').replace(/\//g, '-')}-${stamp}.${format}`;
}

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/**
 * Streams the filtered rows from a database cursor into `out` (ended when done) and returns the
 * row count. Memory holds one batch of rows and the writer's small buffers, whatever the total.
 */
export async function writeExport(
  def: AnyExportDefinition,
  user: Express.User,
  opts: ExportOptions,
  out: Writable,
  onProgress?: (rowsDone: number) => Promise<void>,
): Promise<number> {
  assertMayExport(def, user);
  const columns = chosenColumns(def, user, opts.columns);
  const t = translator(user.locale);
  const writer: TableWriter =
    opts.format === 'csv' ? csvWriter(out) : xlsxWriter(out, t(def.titleKey as never) as string);
  await writer.header(columns.map((c) => (opts.headers === 'labels' ? String(t(c.label as never)) : c.key)));
  const source = await def.query(user, opts.filters);
  let done = 0;
  if (source) {
    let batch: unknown[] = [];
    const flush = async () => {
      if (!batch.length) return;
      const rows = batch;
      batch = [];
      const ctx: unknown = def.batchContext ? await def.batchContext(rows as never[], user) : undefined;
      for (const row of rows) await writer.row(columns.map((c) => c.value(row as never, ctx)));
      done += rows.length;
      if (onProgress) await onProgress(done);
    };
    for await (const row of source.rows) {
      batch.push(row);
      if (batch.length >= BATCH) await flush();
    }
    await flush();
  }
  await writer.end();
  return done;
}

/** The audit entry every export leaves: who (ctx), entity, filter, columns, format, row count. */
export async function auditExport(
  ctx: AuditContext,
  def: AnyExportDefinition,
  opts: ExportOptions,
  rows: number,
  extra: Record<string, unknown> = {},
): Promise<void> {
  const filter = Object.fromEntries(
    Object.entries(opts.filters).filter(([, v]) => v !== '' && v !== undefined && v !== null),
  );
  await recordAudit(ctx, {
    action: `${def.entity}.export`,
    entity: def.entity,
    meta: { format: opts.format, filter, columns: opts.columns, headers: opts.headers, rows, ...extra },
  });
}
