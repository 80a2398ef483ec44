import type { Request, Response } from 'express';
import { renderPage } from '../../lib/views.js';
import { auditContext } from '../audit/index.js';
import {
  CELL_MAX,
  DUPLICATE_MODES,
  IMPORT_MAX_BYTES,
  IMPORT_MAX_ROWS,
  importPartners,
  PARTNER_IMPORT_COLUMNS,
  REQUIRED_COLUMNS,
  type DuplicateMode,
} from './imports.service.js';

/** Rows listed in the report besides every row with an error. */
const SHOWN_ROWS = 500;

export function formLocals(): Record<string, unknown> {
  return {
    modes: DUPLICATE_MODES,
    columns: Object.keys(PARTNER_IMPORT_COLUMNS),
    required: REQUIRED_COLUMNS,
    maxSize: `${IMPORT_MAX_BYTES / 1024 / 1024} MB`,
    maxRows: IMPORT_MAX_ROWS,
    cellMax: CELL_MAX,
  };
}

export async function newForm(_req: Request, res: Response): Promise<void> {
  await renderPage(res, 'imports/form', {
    ...formLocals(),
    values: { dryRun: true, duplicates: 'skip' },
    errors: {},
    title: res.locals.t('imports.title'),
  });
}

export async function create(req: Request, res: Response): Promise<void> {
  const { dryRun, duplicates } = req.valid.body as { dryRun: boolean; duplicates: DuplicateMode };
  const upload = req.upload!;
  const report = await importPartners(
    upload.buffer,
    {
      dryRun,
      mode: duplicates,
      fileName: upload.originalName,
      type: upload.type === 'xlsx' ? 'xlsx' : 'csv',
      t: res.locals.t,
    },
    req.user!,
    auditContext(req),
  );
  const errorRows = report.rows.filter((r) => r.outcome === 'error');
  const otherRows = report.rows.filter((r) => r.outcome !== 'error').slice(0, SHOWN_ROWS);
  const shown = [...errorRows, ...otherRows].sort((a, b) => a.row - b.row);
  await renderPage(
    res,
    'imports/report',
    {
      ...formLocals(),
      report,
      shown,
      values: { dryRun: report.problem ? dryRun : false, duplicates },
      errors: {},
      title: res.locals.t('imports.reportTitle'),
    },
    report.problem ? 422 : 200,
  );
}
