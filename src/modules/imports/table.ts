import chardet from 'chardet';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';

/** A problem with the whole file: a translation key and its parameters. */
export interface FileProblem {
  key: string;
  params?: Record<string, string | number>;
}

/** An uploaded table: the header, then each data row with its row number in the spreadsheet. */
export interface Table {
  header: string[];
  rows: { line: number; cells: string[] }[];
  /** Set when the text was not plain UTF-8 but could be decoded safely (UTF-16 with a BOM). */
  encoding: string | null;
  /** CSV rows must have as many cells as the header; XLSX rows omit trailing empty cells. */
  strictWidth: boolean;
}

export class TableError extends Error {
  constructor(readonly problem: FileProblem) {
    super(problem.key);
  }
}

/**
 * The text of a CSV upload. UTF-8 (with or without BOM) is read as is; UTF-16 with a BOM is
 * decoded (and the report says so); anything else is refused, naming the encoding chardet
 * guesses, because guessing wrong would silently store garbled names.
 */
export function decodeText(buf: Buffer): { text: string; encoding: string | null } {
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) {
    return { text: decodeUtf8(buf.subarray(3)), encoding: null };
  }
  if (buf[0] === 0xff && buf[1] === 0xfe) {
    return { text: new TextDecoder('utf-16le').decode(buf.subarray(2)), encoding: 'UTF-16 LE' };
  }
  if (buf[0] === 0xfe && buf[1] === 0xff) {
    return { text: new TextDecoder('utf-16be').decode(buf.subarray(2)), encoding: 'UTF-16 BE' };
  }
  return { text: decodeUtf8(buf), encoding: null };
}

function decodeUtf8(buf: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    const guess = chardet.detect(buf);
    const name = guess && guess !== 'UTF-8' ? guess : 'an encoding other than UTF-8';
    throw new TableError({ key: 'imports.errors.encoding', params: { encoding: name } });
  }
}

export function readCsv(buf: Buffer, maxRows: number): Table {
  const { text, encoding } = decodeText(buf);
  if (!text.trim()) throw new TableError({ key: 'imports.errors.empty' });
  if (text.includes('\u0000')) throw new TableError({ key: 'imports.errors.binary' });
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      bom: true,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      max_record_size: 100_000,
      to: maxRows + 2,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (err) {
    const e = err as { lines?: number; message?: string };
    throw new TableError({
      key: 'imports.errors.csv',
      params: { line: e.lines ?? '?', reason: String(e.message ?? '').slice(0, 200) },
    });
  }
  if (!records.length) throw new TableError({ key: 'imports.errors.empty' });
  const [head, ...rest] = records;
  if (rest.length > maxRows)
    throw new TableError({ key: 'imports.errors.tooManyRows', params: { limit: maxRows } });
  return {
    header: head!.record,
    // Row numbers as a spreadsheet shows them: the header is row 1.
    rows: rest.map((r, i) => ({ line: i + 2, cells: r.record })),
    encoding,
    strictWidth: true,
  };
}

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((r) => r.text).join('');
    if ('text' in value && typeof value.text === 'string') return value.text;
    if ('result' in value)
      return value.result === undefined ? '' : cellText(value.result as ExcelJS.CellValue);
    if ('error' in value) return String(value.error);
    return '';
  }
  return String(value);
}

export async function readXlsx(buf: Buffer, maxRows: number): Promise<Table> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(buf as unknown as ArrayBuffer);
  } catch {
    throw new TableError({ key: 'imports.errors.xlsx' });
  }
  const sheet = workbook.worksheets[0];
  if (!sheet || sheet.actualRowCount === 0) throw new TableError({ key: 'imports.errors.empty' });
  if (sheet.actualRowCount > maxRows + 1) {
    throw new TableError({ key: 'imports.errors.tooManyRows', params: { limit: maxRows } });
  }
  const all: { line: number; cells: string[] }[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, line) => {
    const values = (row.values as ExcelJS.CellValue[]).slice(1).map(cellText);
    if (values.some((v) => v.trim() !== '')) all.push({ line, cells: values });
  });
  const [head, ...rows] = all;
  if (!head) throw new TableError({ key: 'imports.errors.empty' });
  return { header: head.cells, rows, encoding: null, strictWidth: false };
}
