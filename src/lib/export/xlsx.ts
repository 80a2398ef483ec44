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
 * exceljs's sheet stream hands each full 64 KB buffer of XML to the zip (archiver) without
 * waiting for it, so rows written faster than the zip takes them pile up, uncompressed, in the
 * zip's entry stream: ~0.8 KB a row, 140 MB for 50,000 partners. Waiting until that stream has
 * drained bounds it, and carries the output's back-pressure (the zip stops reading when the
 * output is full) back to the rows.
 */
async function zipEntryDrained(sheet: ExcelJS.Worksheet, out: Writable): Promise<void> {
  const pipes = (sheet as unknown as { stream?: { pipes?: Writable[] } }).stream?.pipes ?? [];
  for (const pipe of pipes) await waitForDrain(pipe, out);
}

/**
 * XLSX through exceljs's streaming WorkbookWriter: inline strings (no shared-strings table held
 * in memory), each row committed at once. Every CHECK_EVERY rows the writer waits for the zip's
 * entry stream and then for the output stream: a slow client slows the export instead of filling
 * memory.
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
        await zipEntryDrained(sheet, out);
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
