import { Types } from 'mongoose';
import { trusted } from '../../lib/db/index.js';
import { unneutralise } from '../../lib/export/neutralise.js';
import type { Translate } from '../../lib/i18n.js';
import { can, canOnRecord } from '../../lib/permissions.js';
import type { Joi } from '../../lib/validation.js';
import { fieldErrors } from '../../lib/validation.js';
import { diffFields, recordAudit, type AuditContext, type Change } from '../audit/index.js';
import {
  derivePartnerKeys,
  nameKey,
  notifyPartnerUpdated,
  PartnerModel,
  partnerSchema,
  websiteHost,
  type Partner,
  type PartnerInput,
} from '../partners/index.js';
import { normaliseEmail, UserModel } from '../users/index.js';
import { readCsv, readXlsx, TableError, type FileProblem, type Table } from './table.js';

export const IMPORT_MAX_BYTES = 5 * 1024 * 1024;
export const IMPORT_MAX_ROWS = 20_000;
export const CELL_MAX = 1000;
const CHUNK = 500;

export const DUPLICATE_MODES = ['skip', 'update', 'create'] as const;
export type DuplicateMode = (typeof DUPLICATE_MODES)[number];

/** Import column → partner form field (SPEC partner CSV header). */
export const PARTNER_IMPORT_COLUMNS = {
  name: 'name',
  name_local: 'nameLocal',
  type: 'type',
  country: 'country',
  city: 'city',
  website: 'website',
  email: 'email',
  phone: 'phone',
  alliance_status: 'allianceStatus',
  tags: 'tags',
  owner_email: 'owner',
} as const;
type ImportColumn = keyof typeof PARTNER_IMPORT_COLUMNS;
type FormField = (typeof PARTNER_IMPORT_COLUMNS)[ImportColumn];
const FIELD_COLUMN = Object.fromEntries(
  Object.entries(PARTNER_IMPORT_COLUMNS).map(([c, f]) => [f, c]),
) as Record<FormField, ImportColumn>;
export const REQUIRED_COLUMNS: ImportColumn[] = ['name', 'type', 'country'];
/** Columns the export adds; read without complaint, never imported. */
export const IGNORED_COLUMNS = ['id', 'last_interaction_at', 'created_at'];

const EDITABLE: FormField[] = [
  'name',
  'nameLocal',
  'type',
  'country',
  'city',
  'website',
  'email',
  'phone',
  'allianceStatus',
  'tags',
  'owner',
];

export type Outcome = 'create' | 'update' | 'unchanged' | 'skip' | 'error';

export interface RowReport {
  row: number;
  outcome: Outcome;
  name: string;
  errors: { column: string; message: string }[];
  /** The existing partner it matches (update, unchanged, skip) or was created as. */
  partnerId?: string;
  partnerName?: string;
  /** An earlier row of the same file it duplicates. */
  duplicateRow?: number;
  /** Columns an update changes. */
  changes?: string[];
}

export interface ImportReport {
  dryRun: boolean;
  mode: DuplicateMode;
  fileName: string;
  encoding: string | null;
  problem: FileProblem | null;
  unknownColumns: string[];
  ignoredColumns: string[];
  rows: RowReport[];
  counts: Record<Outcome, number>;
}

interface Options {
  dryRun: boolean;
  mode: DuplicateMode;
  fileName: string;
  type: 'csv' | 'xlsx';
  t: Translate;
}

const JOI_OPTIONS: Joi.ValidationOptions = {
  abortEarly: false,
  allowUnknown: false,
  convert: true,
  errors: { wrap: { label: false } },
};

/** Header cell → column key: case, spaces and hyphens do not matter ("Name Local" = name_local). */
export function headerKey(cell: string): string {
  return cell
    .replace(/^\uFEFF/, '')
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
}

type Existing = Pick<
  Partner,
  '_id' | 'name' | 'owner' | 'archivedAt' | 'nameKey' | 'websiteHost' | 'lastInteractionAt'
> &
  Record<FormField, unknown>;

const MATCH_FIELDS = {
  ...Object.fromEntries(EDITABLE.map((f) => [f, 1])),
  archivedAt: 1,
  nameKey: 1,
  websiteHost: 1,
  lastInteractionAt: 1,
};
const IN_LIMIT = 1000;

/**
 * Existing partners sharing a name key or website host with the file's rows. FerretDB scans
 * the collection for each `$in` query, so a large file reads every partner's keys once
 * (a projection) and fetches only the matches in full.
 */
async function existingMatches(keys: string[], hosts: string[]): Promise<Existing[]> {
  if (!keys.length && !hosts.length) return [];
  if (keys.length + hosts.length <= IN_LIMIT) {
    const or: Record<string, unknown>[] = [];
    if (keys.length) or.push({ nameKey: trusted({ $in: keys }) });
    if (hosts.length) or.push({ websiteHost: trusted({ $in: hosts }) });
    return PartnerModel.find({ $or: or }, MATCH_FIELDS).lean<Existing[]>();
  }
  const keySet = new Set(keys);
  const hostSet = new Set(hosts);
  const ids: Types.ObjectId[] = [];
  const all = PartnerModel.find({}, { nameKey: 1, websiteHost: 1 })
    .lean<{ _id: Types.ObjectId; nameKey: string; websiteHost: string | null }[]>()
    .cursor({ batchSize: 5000 });
  for await (const p of all) {
    if (keySet.has(p.nameKey) || (p.websiteHost && hostSet.has(p.websiteHost))) ids.push(p._id);
  }
  const out: Existing[] = [];
  for (let i = 0; i < ids.length; i += IN_LIMIT) {
    const chunk = ids.slice(i, i + IN_LIMIT);
    out.push(...(await PartnerModel.find({ _id: trusted({ $in: chunk }) }, MATCH_FIELDS).lean<Existing[]>()));
  }
  return out;
}

function comparable(field: FormField, value: unknown): string {
  if (value instanceof Types.ObjectId) return value.toHexString();
  if (value === '' || value === undefined || value === null) return field === 'tags' ? '[]' : 'null';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

interface Planned {
  report: RowReport;
  input?: PartnerInput;
  /** Fields the file has a column for (an update leaves the others alone). */
  present: FormField[];
  existing?: Existing;
}

/**
 * Reads, validates and classifies every row (the dry run), then, unless dryRun, writes the
 * creates and updates in batches of 500, each batch audited as one entry.
 */
export async function importPartners(
  buf: Buffer,
  opts: Options,
  user: Express.User,
  ctx: AuditContext,
): Promise<ImportReport> {
  const report: ImportReport = {
    dryRun: opts.dryRun,
    mode: opts.mode,
    fileName: opts.fileName,
    encoding: null,
    problem: null,
    unknownColumns: [],
    ignoredColumns: [],
    rows: [],
    counts: { create: 0, update: 0, unchanged: 0, skip: 0, error: 0 },
  };
  let table: Table;
  try {
    table = opts.type === 'xlsx' ? await readXlsx(buf, IMPORT_MAX_ROWS) : readCsv(buf, IMPORT_MAX_ROWS);
  } catch (err) {
    if (err instanceof TableError) return { ...report, problem: err.problem };
    throw err;
  }
  report.encoding = table.encoding;

  // Header: known columns by position; unknown and export-only ones reported.
  const positions = new Map<ImportColumn, number>();
  table.header.forEach((cell, i) => {
    const key = headerKey(cell);
    if (!key) return;
    if (key in PARTNER_IMPORT_COLUMNS && !positions.has(key as ImportColumn))
      positions.set(key as ImportColumn, i);
    else if (IGNORED_COLUMNS.includes(key)) report.ignoredColumns.push(cell.trim());
    else report.unknownColumns.push(cell.trim());
  });
  const missing = REQUIRED_COLUMNS.filter((c) => !positions.has(c));
  if (missing.length) {
    const noHeader = positions.size === 0;
    return {
      ...report,
      problem: noHeader
        ? { key: 'imports.errors.noHeader' }
        : { key: 'imports.errors.missingColumns', params: { columns: missing.join(', ') } },
    };
  }
  const present = [...positions.keys()].map((c) => PARTNER_IMPORT_COLUMNS[c]);
  const mayAssign = can(user, 'partners.update');

  // Owners by e-mail, one query for the whole file.
  const ownerPos = positions.get('owner_email');
  const emails = new Set<string>();
  if (ownerPos !== undefined) {
    for (const r of table.rows) {
      const e = unneutralise((r.cells[ownerPos] ?? '').trim());
      if (e) emails.add(normaliseEmail(e));
    }
  }
  const owners = new Map<string, string>();
  if (emails.size) {
    const users = await UserModel.find(
      { email: trusted({ $in: [...emails] }), disabledAt: null },
      { email: 1 },
    ).lean();
    for (const u of users) owners.set(u.email, u._id.toHexString());
  }

  // Pass 1: every row through the partner form's Joi schema.
  const planned: Planned[] = [];
  for (const { line, cells } of table.rows) {
    const errors: RowReport['errors'] = [];
    const raw = (col: ImportColumn) => {
      const pos = positions.get(col);
      return pos === undefined ? undefined : (cells[pos] ?? '');
    };
    const nameCell = raw('name') ?? '';
    const row: RowReport = { row: line, outcome: 'error', name: nameCell.slice(0, 200), errors };
    if (table.strictWidth && cells.length !== table.header.length) {
      errors.push({
        column: '',
        message: opts.t('imports.errors.columnCount', { count: cells.length, expected: table.header.length }),
      });
      planned.push({ report: row, present });
      continue;
    }
    const data: Record<string, unknown> = {};
    let rowPresent = present;
    for (const col of positions.keys()) {
      let value = raw(col)!;
      if (value.length > CELL_MAX) {
        errors.push({ column: col, message: opts.t('imports.errors.tooLong', { limit: CELL_MAX }) });
        continue;
      }
      // A cell our export wrote as '=x is the text =x; a raw formula is refused, never stored.
      const trimmed = value.trimStart();
      if (/^[=@]/.test(trimmed)) {
        errors.push({ column: col, message: opts.t('imports.errors.formula', { char: trimmed[0] }) });
        continue;
      }
      value = unneutralise(value.trim());
      // An empty cell takes the form's default (no value; "prospect" for a new partner's status).
      if (value === '' && col === 'alliance_status') {
        rowPresent = rowPresent.filter((f) => f !== 'allianceStatus');
        continue;
      }
      if (col === 'owner_email') {
        if (!value) data.owner = null;
        else {
          const id = owners.get(normaliseEmail(value));
          if (!id) errors.push({ column: col, message: opts.t('imports.errors.ownerUnknown') });
          else data.owner = id;
        }
        continue;
      }
      data[PARTNER_IMPORT_COLUMNS[col]] = value;
    }
    const { error, value } = partnerSchema.validate(data, JOI_OPTIONS);
    if (error) {
      for (const [field, message] of Object.entries(fieldErrors(error, opts.t))) {
        const column = FIELD_COLUMN[field.split('.')[0] as FormField] ?? field;
        if (!errors.some((e) => e.column === column)) errors.push({ column, message });
      }
    }
    if (errors.length) {
      planned.push({ report: row, present });
      continue;
    }
    // The form's schema lets some empty fields through as ''; stored, they are null.
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (v === '') (value as Record<string, unknown>)[k] = null;
    }
    const input = value as PartnerInput;
    row.name = input.name;
    planned.push({ report: row, input, present: rowPresent });
  }

  // Pass 2: duplicates within the file (first row wins) and against the database.
  const valid = planned.filter((p) => p.input);
  const keys = [...new Set(valid.map((p) => nameKey(p.input!.name)).filter(Boolean))];
  const hosts = [...new Set(valid.map((p) => websiteHost(p.input!.website)).filter((h): h is string => !!h))];
  const existing = await existingMatches(keys, hosts);
  const byKey = new Map<string, Existing>();
  const byHost = new Map<string, Existing>();
  // Live partners before archived ones, as the duplicate warning lists them.
  for (const p of [...existing].sort((a, b) => Number(!!a.archivedAt) - Number(!!b.archivedAt))) {
    if (!byKey.has(p.nameKey)) byKey.set(p.nameKey, p);
    if (p.websiteHost && !byHost.has(p.websiteHost)) byHost.set(p.websiteHost, p);
  }
  const seenKey = new Map<string, number>();
  const seenHost = new Map<string, number>();
  for (const p of planned) {
    const row = p.report;
    if (!p.input) {
      report.counts.error += 1;
      continue;
    }
    const key = nameKey(p.input.name);
    const host = websiteHost(p.input.website);
    const earlier = (key && seenKey.get(key)) || (host && seenHost.get(host)) || undefined;
    if (key && !seenKey.has(key)) seenKey.set(key, row.row);
    if (host && !seenHost.has(host)) seenHost.set(host, row.row);
    const match = (key ? byKey.get(key) : undefined) ?? (host ? byHost.get(host) : undefined);
    if (earlier && opts.mode !== 'create') {
      row.outcome = 'skip';
      row.duplicateRow = earlier;
    } else if (match && opts.mode === 'skip') {
      row.outcome = 'skip';
    } else if (match && opts.mode === 'update') {
      if (!canOnRecord(user, 'partners.update', match.owner)) {
        row.outcome = 'error';
        row.errors.push({ column: '', message: opts.t('imports.errors.notOwner') });
      } else {
        const fields = p.present.filter((f) => f !== 'owner' || mayAssign);
        const changed = fields.filter(
          (f) =>
            comparable(f, (p.input as unknown as Record<string, unknown>)[f]) !== comparable(f, match[f]),
        );
        row.outcome = changed.length ? 'update' : 'unchanged';
        row.changes = changed.map((f) => FIELD_COLUMN[f]);
        p.existing = match;
      }
    } else {
      row.outcome = 'create';
    }
    if (match && row.outcome !== 'create') {
      row.partnerId = match._id.toHexString();
      row.partnerName = match.name;
    }
    report.counts[row.outcome] += 1;
  }
  report.rows = planned.map((p) => p.report);
  if (opts.dryRun) return report;

  await applyImport(planned, user, ctx, mayAssign, opts.fileName);
  return report;
}

async function applyImport(
  planned: Planned[],
  user: Express.User,
  ctx: AuditContext,
  mayAssign: boolean,
  fileName: string,
): Promise<void> {
  const batch = new Types.ObjectId().toHexString();
  const creates = planned.filter((p) => p.report.outcome === 'create');
  let part = 0;
  for (let i = 0; i < creates.length; i += CHUNK) {
    const chunk = creates.slice(i, i + CHUNK);
    const docs = chunk.map((p) => {
      const { confirmDuplicate: _c, owner, ...fields } = p.input!;
      return {
        _id: new Types.ObjectId(),
        ...fields,
        // Coordinators own what they import, as with the form.
        owner: mayAssign ? (owner ? new Types.ObjectId(owner) : null) : user._id,
        createdBy: user._id,
        ...derivePartnerKeys({ ...fields, lastInteractionAt: null }),
      };
    });
    await PartnerModel.insertMany(docs, { ordered: false });
    chunk.forEach((p, j) => (p.report.partnerId = docs[j]!._id.toHexString()));
    part += 1;
    await recordAudit(ctx, {
      action: 'partner.import',
      entity: 'partner',
      meta: { batch, part, file: fileName, created: docs.map((d) => d._id.toHexString()), updated: [] },
    });
  }
  const updates = planned.filter((p) => p.report.outcome === 'update');
  for (let i = 0; i < updates.length; i += CHUNK) {
    const chunk = updates.slice(i, i + CHUNK);
    const updated: { id: string; changes: Change[] }[] = [];
    for (const p of chunk) {
      const before = p.existing!;
      const input = p.input as unknown as Record<string, unknown>;
      const set: Record<string, unknown> = {};
      for (const f of p.present) {
        if (f === 'owner' && !mayAssign) continue;
        set[f] = f === 'owner' ? (input.owner ? new Types.ObjectId(String(input.owner)) : null) : input[f];
      }
      const after = { ...before, ...set } as Existing;
      Object.assign(
        set,
        derivePartnerKeys({
          name: after.name,
          nameLocal: after.nameLocal as string | null,
          website: after.website as string | null,
          tags: after.tags as string[],
          lastInteractionAt: before.lastInteractionAt ?? null,
        }),
      );
      await PartnerModel.updateOne({ _id: before._id }, { $set: set });
      // Features that copy partner facts (contacts keep the country) follow, as after a form edit.
      const fresh = await PartnerModel.findById(before._id).lean<Partner>();
      if (fresh) await notifyPartnerUpdated(fresh);
      updated.push({ id: before._id.toHexString(), changes: diffFields(before, after, EDITABLE) });
    }
    part += 1;
    await recordAudit(ctx, {
      action: 'partner.import',
      entity: 'partner',
      meta: { batch, part, file: fileName, created: [], updated },
    });
  }
}
