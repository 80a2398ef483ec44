import { randomBytes } from 'node:crypto';
import { Types } from 'mongoose';
import { trusted } from '../../lib/db/index.js';
import { decodeCursor, toPage, type Page } from '../../lib/cursor.js';
import { AppError, NotFoundError } from '../../lib/errors.js';
import { createFileWriter, deleteFile, openFile } from '../../lib/files.js';
import { jobs } from '../../lib/jobs.js';
import { logger } from '../../lib/logger.js';
import type { AuditContext } from '../audit/index.js';
import { notify } from '../notifications/index.js';
import { UserModel } from '../users/index.js';
import { ExportJobModel, type ExportFormat, type ExportJob } from './export-job.model.js';
import { auditExport, CONTENT_TYPES, fileName, writeExport, type ExportOptions } from './exports.service.js';
import { exportDefinition, type AnyExportDefinition } from './registry.js';

export const JOB_RUN_EXPORT = 'exports.run';
export const JOB_SWEEP_EXPORTS = 'exports.sweep';
/** Finished files can be downloaded this long, then the sweep deletes them. */
export const DOWNLOAD_DAYS = 7;
/** A run that has not finished after this long is taken to have died and is retried. */
export const RUN_LEASE_MS = 30 * 60_000;
export const EXPORTS_PAGE_SIZE = 30;

/** Records a background export and asks Agenda to run it now (the sweep catches it otherwise). */
export async function startBackgroundExport(
  def: AnyExportDefinition,
  user: Express.User,
  opts: ExportOptions,
  total: number,
  ctx: AuditContext,
): Promise<ExportJob> {
  const created = await ExportJobModel.create({
    user: user._id,
    entity: def.entity,
    format: opts.format,
    filters: opts.filters,
    columns: opts.columns,
    headers: opts.headers,
    status: 'queued',
    rowsTotal: total,
    ip: ctx.ip,
  });
  const job = created.toObject() as ExportJob;
  const agenda = jobs();
  if (agenda) await agenda.now(JOB_RUN_EXPORT, { id: job._id.toHexString() });
  return job;
}

type JobUser = Express.User & { disabledAt?: Date | null };

/**
 * Claims a queued (or stalled) job for this run. FerretDB may let two racing claims both match,
 * so each claim writes its own token and only the run whose token is read back goes on.
 */
async function claim(id: Types.ObjectId, now: Date): Promise<ExportJob | null> {
  const token = randomBytes(8).toString('hex');
  const stale = new Date(now.getTime() - RUN_LEASE_MS);
  await ExportJobModel.updateOne(
    {
      _id: id,
      $or: [{ status: 'queued' }, { status: 'running', startedAt: trusted({ $lt: stale }) }],
    },
    { $set: { status: 'running', startedAt: now, claim: token, rowsDone: 0 } },
  );
  const job = await ExportJobModel.findById(id).lean<ExportJob>();
  return job && job.claim === token && job.status === 'running' ? job : null;
}

/** Runs one background export into GridFS; safe to call twice (the second finds it claimed). */
export async function runExportJob(id: string, now = new Date()): Promise<ExportJob | null> {
  if (!Types.ObjectId.isValid(id)) return null;
  const job = await claim(new Types.ObjectId(id), now);
  if (!job) return null;
  const def = exportDefinition(job.entity);
  const user = await UserModel.findOne({ _id: job.user, disabledAt: null }).lean<JobUser>();
  const fail = async (message: string) => {
    await ExportJobModel.updateOne(
      { _id: job._id },
      { $set: { status: 'failed', error: message, finishedAt: new Date() } },
    );
    if (user) {
      await notify(user._id, {
        kind: 'export.failed',
        titleKey: 'exports.notifyFailed',
        params: { list: job.entity },
        link: `/exports/${id}`,
        dedupeKey: `export:${id}:failed`,
      });
    }
    return ExportJobModel.findById(job._id).lean<ExportJob>();
  };
  if (!def || !user) return fail(!def ? 'unknown export' : 'requester disabled');
  const format = job.format as ExportFormat;
  const opts: ExportOptions = {
    format,
    filters: (job.filters ?? {}) as Record<string, unknown>,
    columns: job.columns,
    headers: job.headers === 'labels' ? 'labels' : 'keys',
  };
  const filename = fileName(def, format, now);
  const file = createFileWriter({
    filename,
    contentType: CONTENT_TYPES[format],
    metadata: { exportJob: id, user: String(job.user) },
  });
  let rows: number;
  try {
    rows = await writeExport(def, user, opts, file.stream, async (done) => {
      await ExportJobModel.updateOne({ _id: job._id }, { $set: { rowsDone: done } });
    });
    await file.done;
  } catch (err) {
    logger.error({ err, exportJob: id }, 'export failed');
    await deleteFile(file.id).catch(() => undefined);
    return fail((err as Error).message.slice(0, 300));
  }
  const stored = await openFile(file.id);
  stored?.stream.destroy();
  const finishedAt = new Date();
  await ExportJobModel.updateOne(
    { _id: job._id },
    {
      $set: {
        status: 'done',
        rowsDone: rows,
        rowsTotal: rows,
        fileId: file.id,
        filename,
        size: stored?.file.size ?? null,
        finishedAt,
        expiresAt: new Date(now.getTime() + DOWNLOAD_DAYS * 86_400_000),
      },
    },
  );
  const ip = job.ip ?? null;
  await auditExport({ actor: { _id: user._id, email: user.email }, ip }, def, opts, rows, {
    background: true,
    exportJob: id,
  });
  await notify(user._id, {
    kind: 'export.ready',
    titleKey: 'exports.notifyReady',
    params: { file: filename, rows },
    link: `/exports/${id}`,
    dedupeKey: `export:${id}:ready`,
  });
  return ExportJobModel.findById(job._id).lean<ExportJob>();
}

/** Deletes expired files (the job record stays, marked expired) and runs queued jobs nobody ran. */
export async function sweepExports(now = new Date()): Promise<{ expired: number; ran: number }> {
  const expiredJobs = await ExportJobModel.find(
    { status: 'done', expiresAt: trusted({ $lte: now }) },
    { fileId: 1 },
  ).lean();
  for (const job of expiredJobs) {
    if (job.fileId) await deleteFile(job.fileId);
    await ExportJobModel.updateOne(
      { _id: job._id, status: 'done' },
      { $set: { status: 'expired', fileId: null } },
    );
  }
  const stale = new Date(now.getTime() - RUN_LEASE_MS);
  const waiting = await ExportJobModel.find(
    { $or: [{ status: 'queued' }, { status: 'running', startedAt: trusted({ $lt: stale }) }] },
    { _id: 1 },
  )
    .sort({ createdAt: 1 })
    .limit(5)
    .lean();
  let ran = 0;
  for (const job of waiting) if (await runExportJob(job._id.toHexString(), now)) ran += 1;
  return { expired: expiredJobs.length, ran };
}

/** A job its requester (or an admin) may see; anyone else's is not found. */
export async function findExportJob(id: string, user: Express.User): Promise<ExportJob> {
  if (!Types.ObjectId.isValid(id)) throw new NotFoundError();
  const job = await ExportJobModel.findById(id).lean<ExportJob>();
  if (!job || (!job.user.equals(user._id) && user.role !== 'admin')) throw new NotFoundError();
  return job;
}

/** The stored file of a finished export, within its download window. */
export async function openExportFile(id: string, user: Express.User, now = new Date()) {
  const job = await findExportJob(id, user);
  if (job.status !== 'done' || !job.fileId || !job.expiresAt || job.expiresAt <= now) {
    throw new AppError(410, 'gone', 'exports.notAvailable');
  }
  const opened = await openFile(job.fileId);
  if (!opened) throw new AppError(410, 'gone', 'exports.notAvailable');
  return { job, ...opened };
}

/** The user's exports, newest first (cursor on createdAt, _id). */
export async function listMyExports(
  user: Express.User,
  after: string | undefined,
  limit = EXPORTS_PAGE_SIZE,
): Promise<Page<ExportJob>> {
  const query: Record<string, unknown> = { user: user._id };
  const cursor = decodeCursor(after);
  if (cursor) {
    const at = new Date(Number(cursor.v ?? 0));
    const cid = new Types.ObjectId(cursor.id);
    query.$or = [{ createdAt: trusted({ $lt: at }) }, { createdAt: at, _id: trusted({ $lt: cid }) }];
  }
  const rows = await ExportJobModel.find(query)
    .sort({ createdAt: -1, _id: -1 })
    .limit(limit + 1)
    .lean<ExportJob[]>();
  return toPage(rows, limit, (r) => r.createdAt.getTime());
}
