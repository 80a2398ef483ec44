import { Types, type Model } from 'mongoose';
import { unneutralise } from '../../lib/export/neutralise.js';
import type { Translate } from '../../lib/i18n.js';
import type { Action } from '../../lib/permissions.js';
import { recordAudit, type AuditContext, type Change } from '../audit/index.js';
import { ImportBatchModel, ImportItemModel } from './import-batch.model.js';
import { readCsv, readXlsx, TableError, type FileProblem, type Table } from './table.js';

export const IMPORT_MAX_BYTES = 5 * 1024 * 1024;
export const IMPORT_MAX_ROWS = 20_000;
export const CELL_MAX = 1000;
const CHUNK = 500;
/** Rows a stored report keeps: every error up to the first, the other rows up to the second. */
const STORED_ERRORS = 2000;
export const SHOWN_ROWS = 500;

export const DUPLICATE_MODES = ['skip', 'update', 'create'] as const;
export type DuplicateMode = (typeof DUPLICATE_MODES)[number];

export type Outcome = 'create' | 'update' | 'unchanged' | 'skip' | 'error';

export interface RowError {
  column: string;
  message: string;
}

export interface RowReport {
  row: number;
  outcome: Outcome;
  name: string;
  errors: RowError[];
  /** The existing record it matches (update, unchanged, skip) or the one it was created as. */
  recordId?: string;
  recordName?: string;
  link?: string;
  /** An earlier row of the same file it duplicates. */
  duplicateRow?: number;
  /** Columns an update changes. */
  changes?: string[];
}

export interface ImportReport {
  entity: string;
  dryRun: boolean;
  mode: DuplicateMode;
  allOrNothing: boolean;
  /** "All or nothing" was chosen and some row had an error: nothing was written. */
  aborted: boolean;
  fileName: string;
  encoding: string | null;
  problem: FileProblem | null;
  unknownColumns: string[];
  ignoredColumns: string[];
  rows: RowReport[];
  /** Rows in the file (a stored report keeps only some of them in rows). */
  total: number;
  counts: Record<Outcome, number>;
  /** The stored batch of an applied import. */
  batchId?: string;
}

export interface ImportOptions {
  dryRun: boolean;
  mode: DuplicateMode;
  allOrNothing: boolean;
  fileName: string;
  type: 'csv' | 'xlsx';
  t: Translate;
}

/** A row after pass 1: its report, and its checked input unless it has errors. */
export interface Planned<I, E> {
  report: RowReport;
  input?: I;
  /** Fields the file has a column for (an update leaves the others alone). */
  present: string[];
  existing?: E;
}

/**
 * How one checked row meets its duplicates, the same for every entity: an earlier row of the file
 * with the same key is skipped (unless "create anyway"), a record already stored is skipped or, in
 * update mode, updated when the user may write it (`refused` is the row error otherwise) with the
 * fields `changedFields()` names. `column` maps a field to its file column.
 */
export function classifyDuplicate<I, E extends { _id: Types.ObjectId; name: string }>(
  p: Planned<I, E>,
  mode: DuplicateMode,
  earlier: number | undefined,
  match: E | undefined,
  update: { refused: RowError | null; changedFields: () => string[]; column: (field: string) => string },
): void {
  const row = p.report;
  if (earlier && mode !== 'create') {
    row.outcome = 'skip';
    row.duplicateRow = earlier;
  } else if (match && mode === 'skip') {
    row.outcome = 'skip';
  } else if (match && mode === 'update') {
    if (update.refused) {
      row.outcome = 'error';
      row.errors.push(update.refused);
    } else {
      const changed = update.changedFields();
      row.outcome = changed.length ? 'update' : 'unchanged';
      row.changes = changed.map(update.column);
      p.existing = match;
    }
  } else {
    row.outcome = 'create';
  }
  if (match && row.outcome !== 'create') {
    row.recordId = match._id.toHexString();
    row.recordName = match.name;
  }
}

export interface ParsedRow<I> {
  input?: I;
  errors: RowError[];
  present: string[];
  name: string;
}

/**
 * What one entity brings to the shared import: its columns, how a row becomes a checked
 * input, how duplicates are found, and how records are written and undone.
 */
export interface ImportDefinition<I = unknown, E = unknown, L = unknown> {
  entity: string;
  /** The list the import belongs to: `${basePath}/import`. */
  basePath: string;
  action: Action;
  /** Translation prefix of the entity's own texts (title, lead, duplicate rule). */
  texts: string;
  columns: Record<string, string>;
  required: string[];
  /** Columns the export adds; read without complaint, never imported. */
  ignored: string[];
  /** Header problems beyond missing required columns. */
  checkHeader?(columns: ReadonlySet<string>): FileProblem | null;
  /** Lookups for the whole file at once (owners by e-mail, partners by name). */
  lookups(values: (column: string) => string[], user: Express.User): Promise<L>;
  parse(cells: ReadonlyMap<string, string>, lookups: L, user: Express.User, t: Translate): ParsedRow<I>;
  /** Sets outcome (and existing, changes, recordId) of every row that has an input. */
  classify(rows: Planned<I, E>[], mode: DuplicateMode, user: Express.User, t: Translate): Promise<void>;
  link(id: string): string;
  create(rows: Planned<I, E>[], user: Express.User, ctx: AuditContext): Promise<Types.ObjectId[]>;
  update(
    row: Planned<I, E>,
    user: Express.User,
    ctx: AuditContext,
  ): Promise<{ before: Record<string, unknown>; changes: Change[] }>;
  /** Runs once after the last write (e.g. settling primary contacts). */
  afterApply?(rows: Planned<I, E>[], ctx: AuditContext): Promise<void>;
  /** The collection undo checks (updatedAt) and names records from. */
  model: AnyModel;
  /** Undo: soft-archives created records, as the entity's own archive does. */
  archive(ids: Types.ObjectId[], ctx: AuditContext): Promise<void>;
  restore(id: Types.ObjectId, before: Record<string, unknown>, ctx: AuditContext): Promise<void>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyModel = Model<any>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyImportDefinition = ImportDefinition<any, any, any>;

const registry = new Map<string, AnyImportDefinition>();

export function registerImport(def: AnyImportDefinition): void {
  registry.set(def.entity, def);
}

export function importDefinition(entity: string): AnyImportDefinition | undefined {
  return registry.get(entity);
}

export function importDefinitions(): AnyImportDefinition[] {
  return [...registry.values()];
}

/** Header cell → column key: case, spaces and hyphens do not matter ("Name Local" = name_local). */
export function headerKey(cell: string): string {
  return cell
    .replace(/^\uFEFF/, '')
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
}

export function emptyReport(opts: Omit<ImportOptions, 't' | 'type'>, entity: string): ImportReport {
  return {
    entity,
    dryRun: opts.dryRun,
    mode: opts.mode,
    allOrNothing: opts.allOrNothing,
    aborted: false,
    fileName: opts.fileName,
    encoding: null,
    problem: null,
    unknownColumns: [],
    ignoredColumns: [],
    rows: [],
    total: 0,
    counts: { create: 0, update: 0, unchanged: 0, skip: 0, error: 0 },
  };
}

/** The uploaded table, or the problem with the whole file. */
export async function readTable(buf: Buffer, type: 'csv' | 'xlsx'): Promise<Table | FileProblem> {
  try {
    return type === 'xlsx' ? await readXlsx(buf, IMPORT_MAX_ROWS) : readCsv(buf, IMPORT_MAX_ROWS);
  } catch (err) {
    if (err instanceof TableError) return err.problem;
    throw err;
  }
}

export function isProblem(x: Table | FileProblem): x is FileProblem {
  return 'key' in x;
}

/** The rows a report page lists: every error, then the first others, in file order. */
export function shownRows(rows: RowReport[], errorLimit = Infinity): RowReport[] {
  const errors = rows.filter((r) => r.outcome === 'error').slice(0, errorLimit);
  const others = rows.filter((r) => r.outcome !== 'error').slice(0, SHOWN_ROWS);
  return [...errors, ...others].sort((a, b) => a.row - b.row);
}

export interface RunHooks {
  /** A background run's batch (created before the run); otherwise an applied run makes one. */
  batchId?: Types.ObjectId;
  background?: boolean;
  ip?: string | null;
  progress?: (done: number, total: number) => Promise<void>;
}

/**
 * Reads, checks and classifies every row (the dry run); then, unless dryRun or "all or
 * nothing" met an error, writes creates and updates in chunks of 500, each chunk's records
 * stored as undo items of one batch, audited once.
 */
export async function runImport(
  def: AnyImportDefinition,
  table: Table,
  opts: ImportOptions,
  user: Express.User,
  ctx: AuditContext,
  hooks: RunHooks = {},
): Promise<ImportReport> {
  const report = emptyReport(opts, def.entity);
  report.encoding = table.encoding;
  report.total = table.rows.length;

  const positions = new Map<string, number>();
  table.header.forEach((cell, i) => {
    const key = headerKey(cell);
    if (!key) return;
    if (key in def.columns && !positions.has(key)) positions.set(key, i);
    else if (def.ignored.includes(key)) report.ignoredColumns.push(cell.trim());
    else report.unknownColumns.push(cell.trim());
  });
  const missing = def.required.filter((c) => !positions.has(c));
  if (missing.length) {
    report.problem =
      positions.size === 0
        ? { key: `${def.texts}.noHeader` }
        : { key: 'imports.errors.missingColumns', params: { columns: missing.join(', ') } };
    return report;
  }
  const headerProblem = def.checkHeader?.(new Set(positions.keys()));
  if (headerProblem) {
    report.problem = headerProblem;
    return report;
  }

  const cellOf = (cells: string[], col: string) => unneutralise((cells[positions.get(col)!] ?? '').trim());
  const lookups: unknown = await def.lookups(
    (col) => (positions.has(col) ? table.rows.map((r) => cellOf(r.cells, col)).filter(Boolean) : []),
    user,
  );

  // Pass 1: cells every entity refuses the same way, then the entity's own checks.
  const planned: Applied[] = [];
  const present = [...positions.keys()];
  const nameColumn = present.includes('name') ? 'name' : present[0]!;
  for (const { line, cells } of table.rows) {
    const row: RowReport = {
      row: line,
      outcome: 'error',
      name: (cells[positions.get(nameColumn)!] ?? '').slice(0, 200),
      errors: [],
    };
    if (table.strictWidth && cells.length !== table.header.length) {
      row.errors.push({
        column: '',
        message: opts.t('imports.errors.columnCount', { count: cells.length, expected: table.header.length }),
      });
      planned.push({ report: row, present });
      continue;
    }
    const values = new Map<string, string>();
    for (const col of present) {
      const raw = cells[positions.get(col)!] ?? '';
      if (raw.length > CELL_MAX) {
        row.errors.push({ column: col, message: opts.t('imports.errors.tooLong', { limit: CELL_MAX }) });
        continue;
      }
      // A cell our export wrote as '=x is the text =x; a raw formula is refused, never stored.
      const trimmed = raw.trimStart();
      if (/^[=@]/.test(trimmed)) {
        row.errors.push({ column: col, message: opts.t('imports.errors.formula', { char: trimmed[0] }) });
        continue;
      }
      values.set(col, unneutralise(raw.trim()));
    }
    const parsed = def.parse(values, lookups, user, opts.t) as ParsedRow<unknown>;
    for (const e of parsed.errors) if (!row.errors.some((x) => x.column === e.column)) row.errors.push(e);
    if (row.errors.length || parsed.input === undefined) {
      planned.push({ report: row, present });
      continue;
    }
    row.name = parsed.name;
    planned.push({ report: row, input: parsed.input, present: parsed.present });
  }
  if (hooks.progress) await hooks.progress(0, planned.length);

  // Pass 2: duplicates within the file and against the database.
  await def.classify(
    planned.filter((p) => p.input !== undefined),
    opts.mode,
    user,
    opts.t,
  );
  for (const p of planned) {
    if (p.input === undefined) p.report.outcome = 'error';
    if (p.report.recordId && !p.report.link) p.report.link = def.link(p.report.recordId);
    report.counts[p.report.outcome] += 1;
  }
  report.rows = planned.map((p) => p.report);
  if (opts.dryRun) {
    if (hooks.progress) await hooks.progress(planned.length, planned.length);
    return report;
  }
  if (opts.allOrNothing && report.counts.error > 0) report.aborted = true;

  const batchId = hooks.batchId ?? new Types.ObjectId();
  if (!hooks.batchId) {
    await ImportBatchModel.create({
      _id: batchId,
      user: user._id,
      entity: def.entity,
      fileName: opts.fileName,
      fileType: opts.type,
      dryRun: false,
      mode: opts.mode,
      allOrNothing: opts.allOrNothing,
      status: 'running',
      rowsTotal: planned.length,
      startedAt: new Date(),
      ip: hooks.ip ?? ctx.ip,
    });
  }
  report.batchId = batchId.toHexString();
  if (!report.aborted) {
    try {
      await applyImport(def, planned, batchId, user, ctx, hooks.progress);
    } catch (err) {
      // What was written before the failure stays undoable through the batch's items.
      const at = new Date();
      await ImportBatchModel.updateOne(
        { _id: batchId },
        {
          $set: {
            status: 'failed',
            error: String((err as Error).message).slice(0, 300),
            finishedAt: at,
            appliedAt: at,
          },
        },
      );
      throw err;
    }
  }
  const appliedAt = new Date();
  const created = report.aborted ? 0 : report.counts.create;
  const updated = report.aborted ? 0 : report.counts.update;
  await ImportBatchModel.updateOne(
    { _id: batchId },
    {
      $set: {
        status: 'done',
        rowsDone: planned.length,
        finishedAt: appliedAt,
        appliedAt: created + updated > 0 ? appliedAt : null,
        created,
        updated,
        report: storedReport(report),
      },
    },
  );
  await recordAudit(ctx, {
    action: `${def.entity}.import`,
    entity: def.entity,
    entityId: batchId,
    meta: {
      batch: batchId.toHexString(),
      file: opts.fileName,
      mode: opts.mode,
      allOrNothing: opts.allOrNothing,
      aborted: report.aborted,
      background: !!hooks.background,
      counts: report.counts,
      created: report.aborted
        ? []
        : planned.filter((p) => p.report.outcome === 'create').map((p) => p.report.recordId),
      updated: report.aborted ? [] : planned.flatMap((p) => (p.auditChanges ? [p.auditChanges] : [])),
    },
  });
  return report;
}

type Applied = Planned<unknown, unknown> & { auditChanges?: { id: string; changes: Change[] } };

async function applyImport(
  def: AnyImportDefinition,
  planned: Applied[],
  batch: Types.ObjectId,
  user: Express.User,
  ctx: AuditContext,
  progress?: (done: number, total: number) => Promise<void>,
): Promise<void> {
  const writes = planned.filter((p) => p.report.outcome === 'create' || p.report.outcome === 'update');
  let done = planned.length - writes.length;
  const creates = writes.filter((p) => p.report.outcome === 'create');
  for (let i = 0; i < creates.length; i += CHUNK) {
    const chunk = creates.slice(i, i + CHUNK);
    const ids = await def.create(chunk, user, ctx);
    chunk.forEach((p, j) => {
      p.report.recordId = ids[j]!.toHexString();
      p.report.link = def.link(p.report.recordId);
    });
    // Complete as written (no hydration: a second or so per 10,000 rows).
    await ImportItemModel.insertMany(
      ids.map((record) => ({ batch, kind: 'created', record, before: null })),
      { lean: true },
    );
    done += chunk.length;
    if (progress) await progress(done, planned.length);
  }
  const updates = writes.filter((p) => p.report.outcome === 'update');
  for (let i = 0; i < updates.length; i += CHUNK) {
    const chunk = updates.slice(i, i + CHUNK);
    const items: { batch: Types.ObjectId; kind: 'updated'; record: Types.ObjectId; before: unknown }[] = [];
    for (const p of chunk) {
      const { before, changes } = await def.update(p, user, ctx);
      const id = new Types.ObjectId(p.report.recordId!);
      items.push({ batch, kind: 'updated', record: id, before });
      p.auditChanges = { id: p.report.recordId!, changes };
    }
    await ImportItemModel.insertMany(items);
    done += chunk.length;
    if (progress) await progress(done, planned.length);
  }
  if (def.afterApply) await def.afterApply(writes, ctx);
}

/** The report as a batch keeps it: every row's outcome would be too big for 20,000 rows. */
export function storedReport(report: ImportReport): ImportReport {
  return { ...report, rows: shownRows(report.rows, STORED_ERRORS) };
}
