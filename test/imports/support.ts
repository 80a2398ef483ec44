import type { LoggedIn } from '../support/agent.js';

/** The summary counts of a report page (data-count attributes). */
export function counts(html: string): Record<string, number> {
  return Object.fromEntries(
    [...html.matchAll(/data-count="(\w+)">(\d+)</g)].map((m) => [m[1]!, Number(m[2])]),
  );
}

/** Row number → outcome of a report page. */
export function rowOutcomes(html: string): Record<number, string> {
  const out: Record<number, string> = {};
  for (const m of html.matchAll(/data-row="(\d+)" data-outcome="(\w+)"/g)) out[Number(m[1])] = m[2]!;
  return out;
}

/** "row column: message" for every error line of a report page. */
export function errorLines(html: string): string[] {
  return [
    ...html.matchAll(
      /data-row="(\d+)" data-outcome="error"><td>\d*<\/td><td>[^<]*<\/td><td>[^<]*<\/td><td><code>([^<]*)<\/code><\/td><td>([^<]*)<\/td>/g,
    ),
  ].map((m) => `${m[1]} ${m[2]}: ${m[3]}`);
}

export interface UploadOptions {
  dryRun?: boolean;
  duplicates?: string;
  allOrNothing?: boolean;
  name?: string;
}

/** Posts a file to an import form (a dry run unless dryRun: false). */
export function uploadTo(path: string, who: LoggedIn, content: Buffer | string, opts: UploadOptions = {}) {
  const req = who.agent.post(path).field('_csrf', who.csrf);
  if (opts.dryRun !== false) req.field('dryRun', '1');
  if (opts.allOrNothing) req.field('allOrNothing', '1');
  if (opts.duplicates) req.field('duplicates', opts.duplicates);
  return req.attach(
    'file',
    Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8'),
    opts.name ?? 'import.csv',
  );
}

/** The batch id an applied import's report links to. */
export function batchIdOf(html: string): string {
  const id = /href="\/imports\/([0-9a-f]{24})" id="import-batch"/.exec(html)?.[1];
  if (!id) throw new Error('no batch link in the report');
  return id;
}
