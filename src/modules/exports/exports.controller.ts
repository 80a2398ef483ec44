import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Request, Response } from 'express';
import { attachmentHeader } from '../../middleware/uploads.js';
import { BadRequestError } from '../../lib/errors.js';
import type { Joi } from '../../lib/validation.js';
import { fieldErrors } from '../../lib/validation.js';
import { renderPage } from '../../lib/views.js';
import { auditContext } from '../audit/index.js';
import type { ExportFormat } from './export-job.model.js';
import {
  assertMayExport,
  auditExport,
  BACKGROUND_THRESHOLD,
  chosenColumns,
  CONTENT_TYPES,
  countRows,
  fileName,
  writeExport,
  type ExportOptions,
} from './exports.service.js';
import { exportFormSchema, exportOptionsSchema, OPTION_KEYS } from './exports.schemas.js';
import { columnsFor, exportDefinition, type AnyExportDefinition } from './registry.js';
import {
  findExportJob,
  listMyExports,
  openExportFile,
  startBackgroundExport,
} from './export-jobs.service.js';

const JOI_OPTIONS: Joi.ValidationOptions = { abortEarly: false, convert: true, allowUnknown: false };

/** Splits a query or form into the export's options and the list's filters, validating both. */
function readRequest(
  def: AnyExportDefinition,
  input: Record<string, unknown>,
  schema: Joi.ObjectSchema,
): { options: Record<string, unknown>; filters: Record<string, unknown> } {
  const optionPart: Record<string, unknown> = {};
  const filterPart: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(input)) {
    if (OPTION_KEYS.includes(k)) {
      if (k !== '_csrf' && k !== 'after') optionPart[k] = v;
    } else filterPart[k] = v;
  }
  const opts = schema.validate(optionPart, JOI_OPTIONS);
  if (opts.error) throw new BadRequestError('Invalid export options', fieldErrors(opts.error));
  const filters = def.filters.validate(filterPart, JOI_OPTIONS);
  if (filters.error) throw new BadRequestError('Invalid query parameters', fieldErrors(filters.error));
  const { after: _after, ...clean } = filters.value as Record<string, unknown>;
  return { options: opts.value as Record<string, unknown>, filters: clean };
}

/**
 * Sends the file straight into the response. The audit entry (with the row count) is written
 * before the response ends, so a finished download is always on record.
 */
async function streamToResponse(
  def: AnyExportDefinition,
  req: Request,
  res: Response,
  opts: ExportOptions,
): Promise<void> {
  res.status(200);
  res.setHeader('Content-Type', CONTENT_TYPES[opts.format]);
  res.setHeader('Content-Disposition', attachmentHeader(fileName(def, opts.format)));
  res.setHeader('Cache-Control', 'no-store');
  const ctx = auditContext(req);
  let rows = 0;
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      if (res.write(chunk)) done();
      else res.once('drain', () => done());
    },
    final(done) {
      // express-session wraps res.end and takes no callback: wait for 'finish' instead.
      auditExport(ctx, def, opts, rows).then(() => {
        res.once('finish', () => done());
        res.end();
      }, done);
    },
  });
  res.once('close', () => {
    if (!res.writableFinished) sink.destroy(new Error('client went away'));
  });
  try {
    await writeExport(def, req.user!, opts, sink, async (done) => {
      rows = done;
    });
  } catch (err) {
    // Headers are gone: cut the connection so the client sees a failed download, not a short file.
    await auditExport(ctx, def, opts, rows, { failed: true }).catch(() => undefined);
    res.destroy(err instanceof Error ? err : undefined);
  }
}

async function runOrQueue(
  def: AnyExportDefinition,
  req: Request,
  res: Response,
  opts: ExportOptions,
  background: boolean,
): Promise<void> {
  const user = req.user!;
  assertMayExport(def, user);
  chosenColumns(def, user, opts.columns); // unknown columns fail before any work
  const total = await countRows(def, user, opts.filters);
  if (background || total > BACKGROUND_THRESHOLD) {
    const job = await startBackgroundExport(def, user, opts, total, auditContext(req));
    res.redirect(303, `/exports/${job._id.toHexString()}`);
    return;
  }
  await streamToResponse(def, req, res, opts);
}

/** GET /<list>/export.csv|xlsx with the list's query: the file, or a background job when large. */
export function download(def: AnyExportDefinition, format: ExportFormat) {
  return async (req: Request, res: Response): Promise<void> => {
    const { options, filters } = readRequest(def, req.query as Record<string, unknown>, exportOptionsSchema);
    const opts: ExportOptions = {
      format,
      filters,
      columns: options.columns as string[],
      headers: options.headers as 'keys' | 'labels',
    };
    await runOrQueue(def, req, res, opts, Boolean(options.background));
  };
}

/** POST /<list>/export from the dialog. */
export function submit(def: AnyExportDefinition) {
  return async (req: Request, res: Response): Promise<void> => {
    const { options, filters } = readRequest(def, req.body as Record<string, unknown>, exportFormSchema);
    const opts: ExportOptions = {
      format: options.format as ExportFormat,
      filters,
      columns: options.columns as string[],
      headers: options.headers as 'keys' | 'labels',
    };
    await runOrQueue(def, req, res, opts, options.mode === 'background' || Boolean(options.background));
  };
}

/** GET /<list>/export: the dialog (format, columns, header language) for the current filters. */
export function dialog(def: AnyExportDefinition) {
  return async (req: Request, res: Response): Promise<void> => {
    const user = req.user!;
    assertMayExport(def, user);
    const { filters } = readRequest(def, req.query as Record<string, unknown>, exportOptionsSchema);
    const total = await countRows(def, user, filters);
    const defaults = chosenColumns(def, user, []).map((c) => c.key);
    const filterEntries = Object.entries(filters).filter(([, v]) => v !== '' && v != null) as [
      string,
      string,
    ][];
    await renderPage(res, 'exports/dialog', {
      def,
      columns: columnsFor(def, user),
      defaults,
      filterEntries,
      total,
      threshold: BACKGROUND_THRESHOLD,
      listHref:
        def.basePath + (filterEntries.length ? `?${new URLSearchParams(filterEntries).toString()}` : ''),
      title: res.locals.t('exports.dialogTitle', { list: res.locals.t(def.titleKey) }),
    });
  };
}

/** GET /exports: the user's background exports. */
export async function index(req: Request, res: Response): Promise<void> {
  const { after } = req.valid.query as { after?: string };
  const page = await listMyExports(req.user!, after);
  await renderPage(res, 'exports/index', {
    page,
    query: { after },
    entityTitle: (entity: string) => entityTitle(res, entity),
    title: res.locals.t('exports.myExports'),
  });
}

function entityTitle(res: Response, entity: string): string {
  const def = exportDefinition(entity);
  return def ? String(res.locals.t(def.titleKey)) : entity;
}

/** GET /exports/:id: progress (rows done / total) and the download once ready. */
export async function show(req: Request, res: Response): Promise<void> {
  const { id } = req.valid.params as { id: string };
  const job = await findExportJob(id, req.user!);
  const total = job.rowsTotal ?? 0;
  await renderPage(res, 'exports/show', {
    job,
    percent:
      total > 0 ? Math.min(100, Math.floor((job.rowsDone / total) * 100)) : job.status === 'done' ? 100 : 0,
    listTitle: entityTitle(res, job.entity),
    downloadable: job.status === 'done' && !!job.expiresAt && job.expiresAt > new Date(),
    title: res.locals.t('exports.jobTitle'),
  });
}

/** GET /exports/:id/download: the stored file, for its requester or an admin, within 7 days. */
export async function downloadFile(req: Request, res: Response): Promise<void> {
  const { id } = req.valid.params as { id: string };
  const { file, stream } = await openExportFile(id, req.user!);
  res.setHeader('Content-Type', file.contentType);
  res.setHeader('Content-Length', String(file.size));
  res.setHeader('Content-Disposition', attachmentHeader(file.filename));
  res.setHeader('Cache-Control', 'no-store');
  await pipeline(stream, res);
}
