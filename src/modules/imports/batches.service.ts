import { Types } from 'mongoose';
import { trusted } from '../../lib/db/index.js';
import { decodeCursor, toPage, type Page } from '../../lib/cursor.js';
import { AppError, NotFoundError } from '../../lib/errors.js';
import { runSerially } from '../../lib/serial.js';
import { recordAudit, type AuditContext } from '../audit/index.js';
import {
  ImportBatchModel,
  ImportItemModel,
  type ImportBatch,
  type ImportItem,
} from './import-batch.model.js';
import { importDefinition } from './imports.core.js';

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

export function undoable(batch: ImportBatch): boolean {
  return !batch.undoneAt && !!batch.appliedAt;
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

/**
 * Undoes an applied batch: created records are archived (soft, as everywhere), updated fields
 * get their previous values back. Refused, with the list, when any of its records was written
 * after the batch finished (updatedAt later than appliedAt). One audit entry for the undo.
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
    const ids = items.map((i) => i.record);
    const changed: ChangedSince[] = [];
    for (let i = 0; i < ids.length; i += IN_LIMIT) {
      const rows = await def.model
        .find({ _id: trusted({ $in: ids.slice(i, i + IN_LIMIT) }) }, { name: 1, updatedAt: 1 })
        .lean<{ _id: Types.ObjectId; name: string; updatedAt: Date }[]>();
      for (const r of rows) {
        if (r.updatedAt.getTime() > fresh.appliedAt!.getTime()) {
          const rid = r._id.toHexString();
          changed.push({ id: rid, name: r.name, link: def.link(rid), updatedAt: r.updatedAt });
        }
      }
    }
    if (changed.length) throw new ChangedSinceError(changed);
    const created = items.filter((i) => i.kind === 'created').map((i) => i.record);
    for (let i = 0; i < created.length; i += IN_LIMIT) await def.archive(created.slice(i, i + IN_LIMIT), ctx);
    const updated = items.filter((i) => i.kind === 'updated');
    for (const item of updated)
      await def.restore(item.record, (item.before ?? {}) as Record<string, unknown>, ctx);
    const undoneAt = new Date();
    await ImportBatchModel.updateOne({ _id: fresh._id }, { $set: { undoneAt, undoneBy: user._id } });
    await recordAudit(ctx, {
      action: `${fresh.entity}.import.undo`,
      entity: fresh.entity,
      entityId: fresh._id,
      meta: {
        batch: fresh._id.toHexString(),
        file: fresh.fileName,
        archived: created.map((c) => c.toHexString()),
        restored: updated.map((u) => ({ id: u.record.toHexString(), fields: u.before })),
      },
    });
    return { ...fresh, undoneAt, undoneBy: user._id } as ImportBatch;
  });
}
