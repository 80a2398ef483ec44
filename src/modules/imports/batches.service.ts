import { randomBytes } from 'node:crypto';
import { Types } from 'mongoose';
import { trusted } from '../../lib/db/index.js';
import { decodeCursor, toPage, type Page } from '../../lib/cursor.js';
import { AppError, NotFoundError } from '../../lib/errors.js';
import { jobs } from '../../lib/jobs.js';
import { logger } from '../../lib/logger.js';
import { runSerially } from '../../lib/serial.js';
import { recordAudit, type AuditContext } from '../audit/index.js';
import {
  ImportBatchModel,
  ImportItemModel,
  type ImportBatch,
  type ImportItem,
} from './import-batch.model.js';
import { notify } from '../notifications/index.js';
import { UserModel } from '../users/index.js';
import { importDefinition, type AnyImportDefinition } from './imports.core.js';

export const JOB_UNDO_IMPORT = 'imports.undo';
const UNDO_CHUNK = 500;

export const BATCHES_PAGE_SIZE = 30;
const IN_LIMIT = 1000;

/** A batch its requester or an admin may see; anyone else's is not found. */
export async function findBatch(id: string, user: Express.User): Promise<ImportBatch> {
  if (!Types.ObjectId.isValid(id)) throw new NotFoundError();
  const batch = await ImportBatchModel.findById(id).lean<ImportBatch>();
  if (!batch || (!batch.user.equals(user._id) && user.role !== 'admin')) throw new NotFoundError();
  return batch;
}

/** Imports newest first: every one for admins, their own for others (cursor on createdAt, _id). */
export async function listBatches(
  user: Express.User,
  after: string | undefined,
  limit = BATCHES_PAGE_SIZE,
): Promise<Page<ImportBatch>> {
  const query: Record<string, unknown> = user.role === 'admin' ? {} : { user: user._id };
  const cursor = decodeCursor(after);
  if (cursor) {
    const at = new Date(Number(cursor.v ?? 0));
    const cid = new Types.ObjectId(cursor.id);
    query.$or = [{ createdAt: trusted({ $lt: at }) }, { createdAt: at, _id: trusted({ $lt: cid }) }];
  }
  const rows = await ImportBatchModel.find(query, { report: 0 })
    .sort({ createdAt: -1, _id: -1 })
    .limit(limit + 1)
    .lean<ImportBatch[]>();
  return toPage(rows, limit, (r) => r.createdAt.getTime());
}

/** Applied, not undone, and no undo job waiting or running (a failed one may be retried). */
export function undoable(batch: ImportBatch): boolean {
  const busy = batch.undo && batch.undo.status !== 'failed';
  return !batch.undoneAt && !!batch.appliedAt && !busy;
}

export interface ChangedSince {
  id: string;
  name: string;
  link: string;
  updatedAt: Date;
}

/** Thrown when records of the batch were changed after it: nothing is undone. */
export class ChangedSinceError extends AppError {
  constructor(readonly changed: ChangedSince[]) {
    super(409, 'conflict', 'imports.batches.changedSince');
  }
}

let undoInlineLimit = 200;

/** Tests lower the number of records above which an undo runs as a job. */
export function setUndoInlineLimit(records: number): void {
  undoInlineLimit = records;
}

/**
 * Records of the batch written after it finished (updatedAt later than appliedAt). A large
 * batch reads the records changed since instead of its ids: FerretDB scans for each `$in`.
 */
async function changedSince(
  def: AnyImportDefinition,
  batch: ImportBatch,
  ids: Types.ObjectId[],
): Promise<ChangedSince[]> {
  const since = batch.appliedAt!;
  const fields = { name: 1, updatedAt: 1 };
  type Row = { _id: Types.ObjectId; name: string; updatedAt: Date };
  let rows: Row[];
  if (ids.length <= IN_LIMIT) {
    rows = await def.model
      .find({ _id: trusted({ $in: ids }), updatedAt: trusted({ $gt: since }) }, fields)
      .lean<Row[]>();
  } else {
    const wanted = new Set(ids.map((i) => i.toHexString()));
    rows = (await def.model.find({ updatedAt: trusted({ $gt: since }) }, fields).lean<Row[]>()).filter((r) =>
      wanted.has(r._id.toHexString()),
    );
  }
  return rows.map((r) => {
    const rid = r._id.toHexString();
    return { id: rid, name: r.name, link: def.link(rid), updatedAt: r.updatedAt };
  });
}

/** Archives what the batch created, restores what it updated, marks it undone, audits once. */
async function applyUndo(
  def: AnyImportDefinition,
  batch: ImportBatch,
  items: ImportItem[],
  by: Types.ObjectId,
  ctx: AuditContext,
  progress?: (done: number) => Promise<void>,
): Promise<Date> {
  const created = items.filter((i) => i.kind === 'created').map((i) => i.record);
  let done = 0;
  for (let i = 0; i < created.length; i += UNDO_CHUNK) {
    const chunk = created.slice(i, i + UNDO_CHUNK);
    await def.archive(chunk, ctx);
    done += chunk.length;
    if (progress) await progress(done);
  }
  const updated = items.filter((i) => i.kind === 'updated');
  for (const item of updated) {
    await def.restore(item.record, (item.before ?? {}) as Record<string, unknown>, ctx);
    done += 1;
    if (progress && done % UNDO_CHUNK === 0) await progress(done);
  }
  const undoneAt = new Date();
  await ImportBatchModel.updateOne({ _id: batch._id }, { $set: { undoneAt, undoneBy: by } });
  await recordAudit(ctx, {
    action: `${batch.entity}.import.undo`,
    entity: batch.entity,
    entityId: batch._id,
    meta: {
      batch: batch._id.toHexString(),
      file: batch.fileName,
      archived: created.map((c) => c.toHexString()),
      restored: updated.map((u) => ({ id: u.record.toHexString(), fields: u.before })),
    },
  });
  return undoneAt;
}

/**
 * Undoes an applied batch: created records are archived (soft, as everywhere), updated fields
 * get their previous values back. Refused, with the list, when any of its records was written
 * after the batch finished. Small batches are undone at once; larger ones by the imports.undo
 * job (FerretDB writes each updated document on its own, ~0.1 s each on a busy machine).
 */
export async function undoBatch(id: string, user: Express.User, ctx: AuditContext): Promise<ImportBatch> {
  const batch = await findBatch(id, user);
  // Two admins pressing "Undo" at once: one queue per batch in this instance.
  return runSerially(`import-undo:${id}`, async () => {
    const fresh = await ImportBatchModel.findById(batch._id).lean<ImportBatch>();
    if (!fresh || !undoable(fresh)) throw new AppError(409, 'conflict', 'imports.batches.notUndoable');
    const def = importDefinition(fresh.entity);
    if (!def) throw new NotFoundError();
    const items = await ImportItemModel.find({ batch: fresh._id }).lean<ImportItem[]>();
    if (!items.length) throw new AppError(409, 'conflict', 'imports.batches.notUndoable');
    const changed = await changedSince(
      def,
      fresh,
      items.map((i) => i.record),
    );
    if (changed.length) throw new ChangedSinceError(changed);
    const by = new Types.ObjectId(String(user._id));
    if (items.length > undoInlineLimit) {
      const undo = {
        by,
        status: 'queued',
        done: 0,
        total: items.length,
        claim: null,
        ip: ctx.ip,
        error: null,
      };
      await ImportBatchModel.updateOne({ _id: fresh._id }, { $set: { undo } });
      const agenda = jobs();
      if (agenda) await agenda.now(JOB_UNDO_IMPORT, { id });
      return { ...fresh, undo } as ImportBatch;
    }
    const undoneAt = await applyUndo(def, fresh, items, by, ctx);
    return { ...fresh, undoneAt, undoneBy: by } as ImportBatch;
  });
}

/** The imports.undo job: claims a queued undo, checks again, writes, notifies the admin. */
export async function runUndoJob(id: string): Promise<ImportBatch | null> {
  if (!Types.ObjectId.isValid(id)) return null;
  const token = randomBytes(8).toString('hex');
  await ImportBatchModel.updateOne(
    { _id: new Types.ObjectId(id), 'undo.status': 'queued' },
    { $set: { 'undo.status': 'running', 'undo.claim': token } },
  );
  const batch = await ImportBatchModel.findById(id).lean<ImportBatch>();
  if (!batch?.undo || batch.undo.claim !== token || batch.undo.status !== 'running') return null;
  const def = importDefinition(batch.entity);
  const admin = await UserModel.findById(batch.undo.by, { email: 1 }).lean<{
    _id: Types.ObjectId;
    email: string;
  }>();
  const ctx: AuditContext = {
    actor: admin ? { _id: admin._id, email: admin.email } : null,
    ip: batch.undo.ip ?? null,
  };
  const end = async (status: 'done' | 'failed', error: string | null) => {
    await ImportBatchModel.updateOne(
      { _id: batch._id },
      { $set: { 'undo.status': status, 'undo.error': error } },
    );
    await notify(batch.undo!.by, {
      kind: status === 'done' ? 'import.undone' : 'import.undo_failed',
      titleKey: status === 'done' ? 'imports.batches.notifyUndone' : 'imports.batches.notifyUndoFailed',
      params: { file: batch.fileName },
      link: `/imports/${id}`,
      dedupeKey: `import:${id}:undo:${status}:${token}`,
    });
    return ImportBatchModel.findById(batch._id).lean<ImportBatch>();
  };
  if (!def) return end('failed', 'unknown import');
  try {
    const items = await ImportItemModel.find({ batch: batch._id }).lean<ImportItem[]>();
    // Someone may have edited a record between the request and the run.
    const changed = await changedSince(
      def,
      batch,
      items.map((i) => i.record),
    );
    if (changed.length)
      return end(
        'failed',
        changed
          .map((c) => c.name)
          .join(', ')
          .slice(0, 300),
      );
    await applyUndo(def, batch, items, batch.undo.by, ctx, async (done) => {
      await ImportBatchModel.updateOne({ _id: batch._id }, { $set: { 'undo.done': done } });
    });
    await ImportBatchModel.updateOne({ _id: batch._id }, { $set: { 'undo.done': items.length } });
    return end('done', null);
  } catch (err) {
    logger.error({ err, importBatch: id }, 'import undo failed');
    return end('failed', (err as Error).message.slice(0, 300));
  }
}
