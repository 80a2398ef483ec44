import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { neutralise, type Cell } from './neutralise.js';
import { waitForDrain, type TableWriter } from './writer.js';

// Rows committed between back-pressure checks: small enough that the zip's buffers stay small.
const CHECK_EVERY = 200;

function xlsxCell(value: Cell): string | number | boolean | Date | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return neutralise(value);
  if (typeof value === 'number' && !Number.isFinite(value)) return null;
  return value;
}

/**
 * XLSX through exceljs's streaming WorkbookWriter: inline strings (no shared-strings table held
 * in memory), each row committed at once. exceljs pushes committed rows into its zip without
 * waiting, so every CHECK_EVERY rows the writer yields to let the zip compress and waits while
 * the output stream asks to drain: a slow client slows the export instead of filling memory.
 */
export function xlsxWriter(out: Writable, sheetName = 'Export'): TableWriter {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useSharedStrings: false,
    useStyles: false,
  });
  const sheet = workbook.addWorksheet(sheetName.slice(0, 31));
  let pending = 0;
  return {
    async header(cells) {
      sheet.addRow(cells).commit();
    },
    async row(cells) {
      sheet.addRow(cells.map(xlsxCell)).commit();
      pending += 1;
      if (pending >= CHECK_EVERY) {
        pending = 0;
        await new Promise((resolve) => setImmediate(resolve));
        await waitForDrain(out);
      }
    },
    async end() {
      sheet.commit();
      const finished = new Promise<void>((resolve, reject) => {
        out.once('finish', () => resolve());
        out.once('close', () => resolve());
        out.once('error', reject);
      });
      await workbook.commit();
      await finished;
    },
  };
}
