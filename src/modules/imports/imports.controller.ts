import type { Request, Response } from 'express';
import { can } from '../../lib/permissions.js';
import { renderPage } from '../../lib/views.js';
import { auditContext } from '../audit/index.js';
import { userNames } from '../users/index.js';
import { ChangedSinceError, findBatch, listBatches, undoable, undoBatch } from './batches.service.js';
import type { ImportBatch } from './import-batch.model.js';
import {
  CELL_MAX,
  DUPLICATE_MODES,
  IMPORT_MAX_BYTES,
  IMPORT_MAX_ROWS,
  importDefinition,
  shownRows,
  type AnyImportDefinition,
  type DuplicateMode,
  type ImportReport,
} from './imports.core.js';
import { backgroundThreshold } from './import-jobs.service.js';
import { importUpload } from './imports.service.js';

export function formLocals(def: AnyImportDefinition): () => Record<string, unknown> {
  return () => ({
    def,
    modes: DUPLICATE_MODES,
    columns: Object.keys(def.columns),
    required: def.required,
    maxSize: `${IMPORT_MAX_BYTES / 1024 / 1024} MB`,
    maxRows: IMPORT_MAX_ROWS,
    backgroundRows: backgroundThreshold(),
    cellMax: CELL_MAX,
  });
}

export function newForm(def: AnyImportDefinition) {
  return async (_req: Request, res: Response): Promise<void> => {
    await renderPage(res, 'imports/form', {
      ...formLocals(def)(),
      values: { dryRun: true, duplicates: 'skip', allOrNothing: false },
      errors: {},
      title: res.locals.t(`${def.texts}.title`),
    });
  };
}

interface ImportForm {
  dryRun: boolean;
  allOrNothing: boolean;
  duplicates: DuplicateMode;
}

export function create(def: AnyImportDefinition) {
  return async (req: Request, res: Response): Promise<void> => {
    const { dryRun, allOrNothing, duplicates } = req.valid.body as ImportForm;
    const upload = req.upload!;
    const result = await importUpload(
      def,
      upload.buffer,
      {
        dryRun,
        allOrNothing,
        mode: duplicates,
        fileName: upload.originalName,
        type: upload.type === 'xlsx' ? 'xlsx' : 'csv',
        t: res.locals.t,
      },
      req.user!,
      auditContext(req),
    );
    if ('background' in result) {
      res.redirect(303, `/imports/${result.background._id.toHexString()}`);
      return;
    }
    const { report } = result;
    await renderPage(
      res,
      'imports/report',
      {
        ...formLocals(def)(),
        report,
        shown: shownRows(report.rows),
        values: { dryRun: report.problem || report.aborted ? dryRun : false, duplicates, allOrNothing },
        errors: {},
        title: res.locals.t('imports.reportTitle'),
      },
      report.problem ? 422 : 200,
    );
  };
}

/** GET /imports: applied and background imports (admins see everyone's). */
export async function index(req: Request, res: Response): Promise<void> {
  const { after } = req.valid.query as { after?: string };
  const page = await listBatches(req.user!, after);
  const names = await userNames(page.rows.map((b) => b.user));
  await renderPage(res, 'imports/index', {
    page,
    names,
    query: { after },
    defTexts: (entity: string) => importDefinition(entity)?.texts ?? 'imports',
    title: res.locals.t('imports.batches.title'),
  });
}

async function renderBatch(
  res: Response,
  batch: ImportBatch,
  user: Express.User,
  status?: number,
  changed: ChangedSinceError['changed'] = [],
): Promise<void> {
  const def = importDefinition(batch.entity);
  const total = batch.rowsTotal || 0;
  const report = batch.report as ImportReport | null;
  const names = await userNames([batch.user, batch.undoneBy]);
  await renderPage(
    res,
    'imports/show',
    {
      batch,
      def,
      report,
      shown: report ? report.rows : [],
      names,
      percent:
        total > 0
          ? Math.min(100, Math.floor((batch.rowsDone / total) * 100))
          : batch.status === 'done'
            ? 100
            : 0,
      mayUndo: can(user, 'imports.undo') && undoable(batch),
      changed,
      title: res.locals.t('imports.batches.showTitle'),
    },
    status,
  );
}

/** GET /imports/:id: a background run's progress, then its report; an applied batch's undo. */
export async function show(req: Request, res: Response): Promise<void> {
  const { id } = req.valid.params as { id: string };
  await renderBatch(res, await findBatch(id, req.user!), req.user!);
}

/** POST /imports/:id/undo: admins; refused with the list of records changed since. */
export async function undo(req: Request, res: Response): Promise<void> {
  const { id } = req.valid.params as { id: string };
  try {
    await undoBatch(id, req.user!, auditContext(req));
  } catch (err) {
    if (!(err instanceof ChangedSinceError)) throw err;
    await renderBatch(res, await findBatch(id, req.user!), req.user!, 409, err.changed);
    return;
  }
  res.redirect(303, `/imports/${id}`);
}
