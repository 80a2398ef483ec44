import type { Writable } from 'node:stream';
import { neutralise, type Cell } from './neutralise.js';
import { writeRespectingBackPressure, type TableWriter } from './writer.js';

/** UTF-8 byte order mark: Excel reads the file as UTF-8 (Chinese, Thai, Vietnamese) with it. */
export const BOM = '\uFEFF';

function csvCell(value: Cell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const text = neutralise(value instanceof Date ? value.toISOString() : value);
  // RFC 4180: quote fields holding a quote, comma or line break; double inner quotes.
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV record with its CRLF terminator. */
export function csvLine(cells: readonly Cell[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

const CHUNK = 64 * 1024;

/** CSV (UTF-8 with BOM, RFC 4180, CRLF) into a stream, in ~64 kB chunks, waiting on 'drain'. */
export function csvWriter(out: Writable): TableWriter {
  let buffer = BOM;
  const flush = async () => {
    if (!buffer) return;
    const chunk = buffer;
    buffer = '';
    await writeRespectingBackPressure(out, chunk);
  };
  return {
    async header(cells) {
      // Sent at once: the client sees the download start while the query runs.
      buffer += csvLine(cells);
      await flush();
    },
    async row(cells) {
      buffer += csvLine(cells);
      if (buffer.length >= CHUNK) await flush();
    },
    async end() {
      await flush();
      await new Promise<void>((resolve, reject) => {
        out.once('error', reject);
        out.end(() => resolve());
      });
    },
  };
}
