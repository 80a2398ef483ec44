import { parse } from 'csv-parse/sync';
import { Schema, Types, model } from 'mongoose';
import { trusted } from '../../lib/db/index.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../../lib/errors.js';
import type { Translate } from '../../lib/i18n.js';
import { can } from '../../lib/permissions.js';
import { recordAudit, type AuditContext } from '../audit/index.js';
import { ActualModel, toYearMonth } from './actual.model.js';
import { MarketModel, pairKey, type Market } from './market.model.js';
import { actualRowSchema, YEAR_MAX, YEAR_MIN, type ActualRow } from './targets.schemas.js';
import { createMarket, parseVisitors, upsertActual } from './targets.service.js';

const ROW_MESSAGES: Record<string, string> = {
  origin: 'targets.errors.code',
  destination: 'targets.errors.code',
  year: 'targets.errors.year',
  month: 'targets.errors.month',
};

export const IMPORT_COLUMNS = ['origin', 'destination', 'year', 'month', 'visitors'] as const;
export const IMPORT_MAX_ROWS = 20_000;
export const IMPORT_MAX_BYTES = 2 * 1024 * 1024;
/** A market created by an import gets this many years from its baseline to its target (editable). */
export const CREATED_PLAN_YEARS = 5;

export interface RowError {
  line: number;
  messages: string[];
}

export interface MissingMarket {
  origin: string;
  destination: string;
  rows: number;
  baselineYear: number;
  baselineVisitors: number;
  targetYear: number;
}

export interface ImportReport {
  filename: string;
  rows: number;
  valid: number;
  errors: RowError[];
  inserted: number;
  updated: number;
  unchanged: number;
  missing: MissingMarket[];
  createMissing: boolean;
  applied: boolean;
  /** The stored preview to apply (when it has rows and no errors). */
  importId: string | null;
}

// A checked file waiting for "apply": its valid rows as CSV lines (origin,destination,year,month,visitors).
const pendingSchema = new Schema(
  {
    user: { type: Schema.Types.ObjectId, required: true },
    filename: { type: String, required: true },
    createMissing: { type: Boolean, default: false },
    rows: { type: [String], default: [] },
    createdAt: { type: Date, default: () => new Date() },
  },
  { versionKey: false, collection: 'targetimports' },
);
pendingSchema.index({ user: 1 });
const PendingImportModel = model('TargetImport', pendingSchema);

/** Spreadsheets save CSV as UTF-8 (with or without BOM) or UTF-16 with a BOM. */
function decode(buffer: Buffer): string {
  if (buffer[0] === 0xff && buffer[1] === 0xfe) return buffer.subarray(2).toString('utf16le');
  if (buffer[0] === 0xfe && buffer[1] === 0xff) {
    const swapped = Buffer.from(buffer.subarray(2));
    swapped.swap16();
    return swapped.toString('utf16le');
  }
  return buffer.toString('utf8');
}

interface Parsed {
  rows: { line: number; row: ActualRow }[];
  errors: RowError[];
  total: number;
}

/** Reads and checks the CSV: header, every row against the form's rules, repeats in the file. */
export function parseActualsCsv(buffer: Buffer, t: Translate): Parsed {
  let records: string[][];
  try {
    records = parse(decode(buffer), {
      bom: true,
      skip_empty_lines: true,
      trim: true,
      relax_column_count: true,
    });
  } catch {
    throw new ValidationError({ file: 'targets.import.unreadable' });
  }
  const header = (records[0] ?? []).map((h) => h.trim().toLowerCase());
  if (header.length !== IMPORT_COLUMNS.length || IMPORT_COLUMNS.some((c, i) => header[i] !== c)) {
    throw new ValidationError({ file: 'targets.import.badHeader' });
  }
  const body = records.slice(1);
  if (!body.length) throw new ValidationError({ file: 'targets.import.empty' });
  if (body.length > IMPORT_MAX_ROWS) throw new ValidationError({ file: 'targets.import.tooManyRows' });

  const rows: Parsed['rows'] = [];
  const errors: RowError[] = [];
  const seen = new Map<string, number>();
  body.forEach((cells, i) => {
    const line = i + 2;
    if (cells.length !== IMPORT_COLUMNS.length) {
      errors.push({ line, messages: [t('targets.import.columnCount', { count: IMPORT_COLUMNS.length })] });
      return;
    }
    const raw = Object.fromEntries(IMPORT_COLUMNS.map((c, j) => [c, cells[j]!.trim()]));
    const visitors = parseVisitors(raw.visitors!);
    if (visitors.value != null) raw.visitors = String(visitors.value);
    const { error, value } = actualRowSchema.validate(raw, { abortEarly: false, convert: true });
    if (error || visitors.error) {
      const fields = new Set((error?.details ?? []).map((d) => String(d.path[0])));
      const messages = [...fields]
        .filter((f) => f !== 'visitors')
        .map((f) => `${f}: ${t(ROW_MESSAGES[f] ?? 'validation.invalid', { min: YEAR_MIN, max: YEAR_MAX })}`);
      if (visitors.error || fields.has('visitors')) {
        messages.push(
          `visitors: ${t(visitors.error ?? (raw.visitors ? 'targets.errors.wholeNumber' : 'validation.required'))}`,
        );
      }
      errors.push({ line, messages });
      return;
    }
    const row = value as ActualRow;
    const key = `${pairKey(row.origin, row.destination)}|${toYearMonth(row.year, row.month)}`;
    const first = seen.get(key);
    if (first != null) {
      errors.push({ line, messages: [t('targets.import.repeated', { line: first })] });
      return;
    }
    seen.set(key, line);
    rows.push({ line, row });
  });
  return { rows, errors, total: body.length };
}

function missingMarkets(rows: ActualRow[], known: Map<string, Market>): MissingMarket[] {
  const byPair = new Map<string, ActualRow[]>();
  for (const r of rows) {
    const key = pairKey(r.origin, r.destination);
    if (known.has(key)) continue;
    byPair.set(key, [...(byPair.get(key) ?? []), r]);
  }
  return [...byPair.values()].map((list) => {
    const baselineYear = Math.min(...list.map((r) => r.year));
    const first = list.filter((r) => r.year === baselineYear);
    const sum = first.reduce((s, r) => s + r.visitors, 0);
    return {
      origin: list[0]!.origin,
      destination: list[0]!.destination,
      rows: list.length,
      baselineYear,
      // The earliest year's recorded months, annualised.
      baselineVisitors: Math.max(1, Math.round((sum * 12) / first.length)),
      targetYear: baselineYear + CREATED_PLAN_YEARS,
    };
  });
}

async function marketsByPair(): Promise<Map<string, Market>> {
  const markets = await MarketModel.find({}).lean<Market[]>();
  return new Map(markets.map((m) => [m.pairKey, m]));
}

/** For each row: does it add a month, change one, or repeat what is stored? */
async function classify(rows: ActualRow[], known: Map<string, Market>) {
  const ids = [
    ...new Set(
      rows
        .map((r) => known.get(pairKey(r.origin, r.destination))?._id)
        .filter((id): id is Types.ObjectId => id != null),
    ),
  ];
  const stored = ids.length
    ? await ActualModel.find(
        { market: trusted({ $in: ids }) },
        { market: 1, yearMonth: 1, visitors: 1 },
      ).lean()
    : [];
  const current = new Map(stored.map((a) => [`${a.market.toHexString()}|${a.yearMonth}`, a.visitors]));
  let inserted = 0;
  let updated = 0;
  let unchanged = 0;
  for (const r of rows) {
    const market = known.get(pairKey(r.origin, r.destination));
    const was = market
      ? current.get(`${market._id.toHexString()}|${toYearMonth(r.year, r.month)}`)
      : undefined;
    if (was == null) inserted += 1;
    else if (was === r.visitors) unchanged += 1;
    else updated += 1;
  }
  return { inserted, updated, unchanged, current };
}

interface ImportOptions {
  filename: string;
  createMissing: boolean;
  apply: boolean;
}

/**
 * Checks a CSV of monthly actuals and reports what it would do; with `apply` (and no row
 * errors) writes it. Nothing is written while any row has an error. Unknown markets are row
 * errors unless the user (allowed to create markets) asks to create them.
 */
export async function importActuals(
  buffer: Buffer,
  opts: ImportOptions,
  user: Express.User,
  ctx: AuditContext,
  t: Translate,
): Promise<ImportReport> {
  if (opts.createMissing && !can(user, 'targets.write')) throw new ForbiddenError();
  const parsed = parseActualsCsv(buffer, t);
  const known = await marketsByPair();
  const rows = parsed.rows.map((r) => r.row);
  const missing = missingMarkets(rows, known);
  const errors = [...parsed.errors];
  if (!opts.createMissing && missing.length) {
    for (const { line, row } of parsed.rows) {
      if (!known.has(pairKey(row.origin, row.destination))) {
        errors.push({
          line,
          messages: [t('targets.import.unknownMarket', { origin: row.origin, destination: row.destination })],
        });
      }
    }
  }
  errors.sort((a, b) => a.line - b.line);
  const counts = await classify(rows, known);
  const report: ImportReport = {
    filename: opts.filename,
    rows: parsed.total,
    valid: parsed.total - errors.length,
    errors,
    inserted: counts.inserted,
    updated: counts.updated,
    unchanged: counts.unchanged,
    missing,
    createMissing: opts.createMissing,
    applied: false,
    importId: null,
  };
  if (errors.length || !rows.length) return report;
  if (opts.apply) {
    await writeRows(rows, opts, user, ctx);
    return { ...report, applied: true };
  }
  // Keep the checked rows so "apply" needs no second upload; one pending import per user.
  await PendingImportModel.deleteMany({ user: user._id });
  const pending = await PendingImportModel.create({
    user: user._id,
    filename: opts.filename,
    createMissing: opts.createMissing,
    rows: rows.map((r) => [r.origin, r.destination, r.year, r.month, r.visitors].join(',')),
  });
  return { ...report, importId: pending._id.toHexString() };
}

/** Applies a checked import (the preview's button); it is checked again against today's data. */
export async function applyPendingImport(
  id: string,
  user: Express.User,
  ctx: AuditContext,
  t: Translate,
): Promise<ImportReport> {
  const pending = await PendingImportModel.findOne({ _id: new Types.ObjectId(id), user: user._id }).lean();
  if (!pending) throw new NotFoundError();
  const csv = [IMPORT_COLUMNS.join(','), ...pending.rows].join('\n');
  const report = await importActuals(
    Buffer.from(csv),
    { filename: pending.filename, createMissing: pending.createMissing, apply: true },
    user,
    ctx,
    t,
  );
  if (report.applied) await PendingImportModel.deleteOne({ _id: pending._id });
  return report;
}

async function writeRows(rows: ActualRow[], opts: ImportOptions, user: Express.User, ctx: AuditContext) {
  const known = await marketsByPair();
  const created: string[] = [];
  for (const m of missingMarkets(rows, known)) {
    const market = await createMarket(
      {
        origin: m.origin,
        destination: m.destination,
        baselineYear: m.baselineYear,
        baselineVisitors: m.baselineVisitors,
        multiplier: 2,
        targetYear: m.targetYear,
        owner: null,
        notes: null,
      },
      user,
      ctx,
    );
    known.set(market.pairKey, market);
    created.push(market.pairKey);
  }
  const { current } = await classify(rows, known);
  const userId = new Types.ObjectId(String(user._id));
  let inserted = 0;
  let updated = 0;
  let unchanged = 0;
  for (const r of rows) {
    const market = known.get(pairKey(r.origin, r.destination))!;
    const was = current.get(`${market._id.toHexString()}|${toYearMonth(r.year, r.month)}`);
    if (was === r.visitors) {
      unchanged += 1;
      continue;
    }
    await upsertActual(market._id, r.year, r.month, r.visitors, 'csv', userId);
    if (was == null) inserted += 1;
    else updated += 1;
  }
  await recordAudit(ctx, {
    action: 'target.actuals.import',
    entity: 'target_actuals',
    meta: {
      filename: opts.filename,
      rows: rows.length,
      inserted,
      updated,
      unchanged,
      marketsCreated: created,
    },
  });
}
