import type request from 'supertest';

/** Supertest parser that keeps a binary body (XLSX) as a Buffer. */
export function binary(res: request.Response, done: (err: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(null, Buffer.concat(chunks)));
}

/** A CSV export's records (BOM dropped, split on CRLF; test data has no line breaks in cells). */
export function csvRows(text: string): string[] {
  expect_(text.charCodeAt(0) === 0xfeff, 'CSV starts with a BOM');
  const lines = text.slice(1).split('\r\n');
  expect_(lines.at(-1) === '', 'CSV ends with CRLF');
  return lines.slice(0, -1);
}

function expect_(ok: boolean, what: string): void {
  if (!ok) throw new Error(`expected: ${what}`);
}
