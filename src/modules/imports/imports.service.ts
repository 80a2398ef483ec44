import type { AuditContext } from '../audit/index.js';
import type { ImportBatch } from './import-batch.model.js';
import {
  emptyReport,
  isProblem,
  readTable,
  runImport,
  type AnyImportDefinition,
  type ImportOptions,
  type ImportReport,
} from './imports.core.js';
import { backgroundThreshold, startBackgroundImport } from './import-jobs.service.js';
import { partnerImport } from './entities/partners.js';

/**
 * An uploaded file: read now and reported, or, over the row threshold, handed to a background
 * job whose page shows progress.
 */
export async function importUpload(
  def: AnyImportDefinition,
  buf: Buffer,
  opts: ImportOptions,
  user: Express.User,
  ctx: AuditContext,
): Promise<{ report: ImportReport } | { background: ImportBatch }> {
  const table = await readTable(buf, opts.type);
  if (isProblem(table)) return { report: { ...emptyReport(opts, def.entity), problem: table } };
  if (table.rows.length > backgroundThreshold()) {
    const { t: _t, ...rest } = opts;
    return { background: await startBackgroundImport(def, buf, rest, table.rows.length, user, ctx) };
  }
  return { report: await runImport(def, table, opts, user, ctx) };
}

/** The partner import without the background hand-over (the benchmark times it directly). */
export async function importPartners(
  buf: Buffer,
  opts: Omit<ImportOptions, 'allOrNothing'> & { allOrNothing?: boolean },
  user: Express.User,
  ctx: AuditContext,
): Promise<ImportReport> {
  const full = { ...opts, allOrNothing: opts.allOrNothing ?? false };
  const table = await readTable(buf, opts.type);
  if (isProblem(table)) return { ...emptyReport(full, 'partner'), problem: table };
  return runImport(partnerImport, table, full, user, ctx);
}
