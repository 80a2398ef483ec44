import type Joi from 'joi';
import type { Action } from '../../lib/permissions.js';
import type { Cell } from '../../lib/export/neutralise.js';

/** One exportable column: a stable English key (CSV header, import key) and a translated label. */
export interface ExportColumn<R, C = unknown> {
  key: string;
  /** Translation key of the header when the user asks for headers in their language. */
  label: string;
  value: (row: R, ctx: C) => Cell;
  /** Leave the column out for users who may not see it (e.g. complainant details). */
  visible?: (user: Express.User) => boolean;
}

/**
 * Documents per database round trip of an export's cursor. 1,000 made the XLSX export of
 * 100,000 partners grow the process by 160–200 MB (garbage the heap kept, 46 MB after a full
 * GC); 200 kept it at 2–4 MB, as fast (FerretDB over PostgreSQL, a fresh process each run).
 */
export const EXPORT_CURSOR_BATCH = 200;

/** What a query yields: rows from a database cursor and the matching count. */
export interface ExportSource<R> {
  rows: AsyncIterable<R>;
  count: () => Promise<number>;
}

export interface ExportDefinition<R = never, C = unknown, F = Record<string, unknown>> {
  /** Singular entity name used in audit entries and job records: 'partner'. */
  entity: string;
  /** The list's path: routes become `${basePath}/export`, `.csv` and `.xlsx`. */
  basePath: string;
  /** Permission to export (the route guard). */
  action: Action;
  /** Permission to read the entity: nobody exports what they cannot read. */
  readAction: Action;
  /** Translation key of the list's title (dialog, file name in the user's language). */
  titleKey: string;
  /** The list's query schema, so the export takes the list's filters. */
  filters: Joi.ObjectSchema;
  columns: ExportColumn<R, C>[];
  /** Default column keys (SPEC header order); all columns when omitted. */
  defaultColumns?: string[];
  /** The rows of the filtered list (all pages, list order), scoped to what the user may read. */
  query: (user: Express.User, filters: F) => Promise<ExportSource<R> | null>;
  /** Lookups for a batch of rows (owner e-mails, partner names): one query per batch, no N+1. */
  batchContext?: (rows: R[], user: Express.User) => Promise<C>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyExportDefinition = ExportDefinition<any, any, any>;

const definitions = new Map<string, AnyExportDefinition>();
const listeners: ((def: AnyExportDefinition) => void)[] = [];

/**
 * Makes an entity exportable: `/basePath/export` (dialog), `/basePath/export.csv|xlsx`, and
 * background exports. One call per entity; see README "Import and export".
 */
export function registerExport<R, C, F>(def: ExportDefinition<R, C, F>): void {
  if (definitions.has(def.entity)) throw new Error(`export already registered: ${def.entity}`);
  const any = def as unknown as AnyExportDefinition;
  definitions.set(def.entity, any);
  for (const listener of listeners) listener(any);
}

export function exportDefinition(entity: string): AnyExportDefinition | undefined {
  return definitions.get(entity);
}

export function exportDefinitions(): AnyExportDefinition[] {
  return [...definitions.values()];
}

/** Calls back for every definition, those registered so far and later ones (the router's routes). */
export function onExportRegistered(listener: (def: AnyExportDefinition) => void): void {
  listeners.push(listener);
  for (const def of definitions.values()) listener(def);
}

/** The columns a user may export, in definition order. */
export function columnsFor(def: AnyExportDefinition, user: Express.User): AnyExportDefinition['columns'] {
  return def.columns.filter((c) => !c.visible || c.visible(user));
}
