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

/**
 * Waits while `stream` asks to drain. Fails when `out` closes first (by default the stream itself;
 * for a stream inside the export's pipeline, the response: a client gone). Also reads the state
 * flag of readable-stream 2 streams (archiver's), which have no `writableNeedDrain`.
 */
export async function waitForDrain(stream: Writable, out: Writable = stream): Promise<void> {
  const state = (stream as Writable & { _writableState?: { needDrain?: boolean } })._writableState;
  if (!(stream.writableNeedDrain ?? state?.needDrain)) return;
  const ac = new AbortController();
  const closed = once(out, 'close', { signal: ac.signal }).then(() => {
    throw new Error('output closed');
  });
  const ended = stream === out ? [] : [once(stream, 'close', { signal: ac.signal })];
  await Promise.race([once(stream, 'drain', { signal: ac.signal }), closed, ...ended]).finally(() =>
    ac.abort(),
  );
}
