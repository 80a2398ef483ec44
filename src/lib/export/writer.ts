import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { Cell } from './neutralise.js';

/** A table streamed row by row: header once, rows, then end (which ends the stream). */
export interface TableWriter {
  header(cells: string[]): Promise<void>;
  row(cells: Cell[]): Promise<void>;
  end(): Promise<void>;
}

/** Writes and, when the stream's buffer is full, waits for it to drain (or fail/close). */
export async function writeRespectingBackPressure(out: Writable, chunk: string | Buffer): Promise<void> {
  if (out.destroyed) throw new Error('output closed');
  if (out.write(chunk)) return;
  await waitForDrain(out);
}

export async function waitForDrain(out: Writable): Promise<void> {
  if (!out.writableNeedDrain) return;
  const ac = new AbortController();
  await Promise.race([
    once(out, 'drain', { signal: ac.signal }),
    once(out, 'close', { signal: ac.signal }).then(() => {
      throw new Error('output closed');
    }),
  ]).finally(() => ac.abort());
}
