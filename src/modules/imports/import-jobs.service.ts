import { randomBytes } from 'node:crypto';
import { Types } from 'mongoose';
import { config } from '../../config/index.js';
import { trusted } from '../../lib/db/index.js';
import { deleteFile, readFile, saveFile } from '../../lib/files.js';
import { isLocale, translator } from '../../lib/i18n.js';
import { jobs } from '../../lib/jobs.js';
import { logger } from '../../lib/logger.js';
import type { AuditContext } from '../audit/index.js';
import { notify } from '../notifications/index.js';
import { UserModel } from '../users/index.js';
import { runUndoJob } from './batches.service.js';
import { ImportBatchModel, type ImportBatch } from './import-batch.model.js';
import {
  importDefinition,
  isProblem,
  readTable,
  runImport,
  storedReport,
  emptyReport,
  type AnyImportDefinition,
  type DuplicateMode,
  type ImportOptions,
} from './imports.core.js';

export const JOB_RUN_IMPORT = 'imports.run';
export const JOB_SWEEP_IMPORTS = 'imports.sweep';
/** A run not finished after this long is taken to have died: marked failed, never re-run. */
export const RUN_LEASE_MS = 30 * 60_000;

let threshold = config.importBackgroundRows;

/** Rows above which an import runs in the background (IMPORT_BACKGROUND_ROWS). */
export function backgroundThreshold(): number {
  return threshold;
}

/** Tests lower the threshold instead of uploading 5,000 rows. */
export function setBackgroundThreshold(rows: number): void {
  threshold = rows;
}

/** Keeps the upload in GridFS, records the run and asks Agenda to start it now. */
export async function startBackgroundImport(
  def: AnyImportDefinition,
  buf: Buffer,
  opts: Omit<ImportOptions, 't'>,
  rows: number,
  user: Express.User,
  ctx: AuditContext,
): Promise<ImportBatch> {
  const id = new Types.ObjectId();
  const file = await saveFile(buf, {
    filename: opts.fileName,
    contentType:
      opts.type === 'xlsx' ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'text/csv',
    metadata: { importBatch: id.toHexString(), user: String(user._id) },
  });
  const created = await ImportBatchModel.create({
    _id: id,
    user: user._id,
    entity: def.entity,
    fileName: opts.fileName,
    fileType: opts.type,
    dryRun: opts.dryRun,
    mode: opts.mode,
    allOrNothing: opts.allOrNothing,
    background: true,
    status: 'queued',
    rowsTotal: rows,
    fileId: file.id,
    ip: ctx.ip,
  });
  const agenda = jobs();
  if (agenda) await agenda.now(JOB_RUN_IMPORT, { id: id.toHexString() });
  return created.toObject() as ImportBatch;
}

/** Claims a queued run; FerretDB may let two claims match, so only the token read back goes on. */
async function claim(id: Types.ObjectId, now: Date): Promise<ImportBatch | null> {
  const token = randomBytes(8).toString('hex');
  await ImportBatchModel.updateOne(
    { _id: id, status: 'queued' },
    { $set: { status: 'running', startedAt: now, claim: token, rowsDone: 0 } },
  );
  const batch = await ImportBatchModel.findById(id).lean<ImportBatch>();
  return batch && batch.claim === token && batch.status === 'running' ? batch : null;
}

type JobUser = Express.User & { locale?: string | null };

/**
 * Runs one background import; safe to call twice (the second finds it claimed). A run is
 * never retried after it started: the batch's items make a half-written run undoable.
 */
export async function runImportJob(id: string, now = new Date()): Promise<ImportBatch | null> {
  if (!Types.ObjectId.isValid(id)) return null;
  const batch = await claim(new Types.ObjectId(id), now);
  if (!batch) return null;
  const def = importDefinition(batch.entity);
  const user = await UserModel.findOne({ _id: batch.user, disabledAt: null }).lean<JobUser>();
  const t = translator(isLocale(user?.locale) ? user.locale : config.defaultLocale);
  const finish = async (status: 'done' | 'failed', error: string | null) => {
    if (batch.fileId) await deleteFile(batch.fileId).catch(() => undefined);
    await ImportBatchModel.updateOne(
      { _id: batch._id },
      {
        $set: {
          fileId: null,
          // A run that failed while writing can be undoable: its items hold what it wrote.
          ...(status === 'failed'
            ? { status, error, finishedAt: new Date(), appliedAt: batch.dryRun ? null : new Date() }
            : {}),
        },
      },
    );
    if (user) {
      await notify(user._id, {
        kind: status === 'done' ? 'import.done' : 'import.failed',
        titleKey: status === 'done' ? 'imports.batches.notifyDone' : 'imports.batches.notifyFailed',
        params: { file: batch.fileName },
        link: `/imports/${id}`,
        dedupeKey: `import:${id}:${status}`,
      });
    }
    return ImportBatchModel.findById(batch._id).lean<ImportBatch>();
  };
  if (!def || !user) return finish('failed', !def ? 'unknown import' : 'requester disabled');
  const buf = batch.fileId ? await readFile(batch.fileId) : null;
  if (!buf) return finish('failed', 'file missing');
  const opts: ImportOptions = {
    dryRun: batch.dryRun,
    mode: batch.mode as DuplicateMode,
    allOrNothing: batch.allOrNothing,
    fileName: batch.fileName,
    type: batch.fileType as 'csv' | 'xlsx',
    t,
  };
  const ctx: AuditContext = { actor: { _id: user._id, email: user.email }, ip: batch.ip ?? null };
  try {
    const table = await readTable(buf, opts.type);
    if (isProblem(table)) {
      const report = { ...emptyReport(opts, def.entity), problem: table };
      await ImportBatchModel.updateOne(
        { _id: batch._id },
        { $set: { status: 'done', report, finishedAt: new Date() } },
      );
      return finish('done', null);
    }
    const report = await runImport(def, table, opts, user, ctx, {
      batchId: opts.dryRun ? undefined : batch._id,
      background: true,
      progress: async (done, total) => {
        await ImportBatchModel.updateOne({ _id: batch._id }, { $set: { rowsDone: done, rowsTotal: total } });
      },
    });
    if (opts.dryRun) {
      await ImportBatchModel.updateOne(
        { _id: batch._id },
        { $set: { status: 'done', report: storedReport(report), finishedAt: new Date() } },
      );
    }
    return finish('done', null);
  } catch (err) {
    logger.error({ err, importBatch: id }, 'import failed');
    return finish('failed', (err as Error).message.slice(0, 300));
  }
}

/** Starts queued runs and undos nobody picked up; marks runs that died mid-way as failed (undoable). */
export async function sweepImports(now = new Date()): Promise<{ ran: number; failed: number }> {
  const stale = new Date(now.getTime() - RUN_LEASE_MS);
  const dead = await ImportBatchModel.updateMany(
    { status: 'running', startedAt: trusted({ $lt: stale }) },
    { $set: { status: 'failed', error: 'interrupted', finishedAt: now, appliedAt: now } },
  );
  const waiting = await ImportBatchModel.find({ status: 'queued' }, { _id: 1 })
    .sort({ createdAt: 1 })
    .limit(3)
    .lean();
  let ran = 0;
  for (const b of waiting) if (await runImportJob(b._id.toHexString(), now)) ran += 1;
  // Undo jobs nobody ran (an undo that died mid-way stays "running": an admin looks at it).
  const undos = await ImportBatchModel.find({ 'undo.status': 'queued' }, { _id: 1 }).limit(3).lean();
  for (const b of undos) if (await runUndoJob(b._id.toHexString())) ran += 1;
  return { ran, failed: dead.modifiedCount };
}
