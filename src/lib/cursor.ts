import { Types } from 'mongoose';
import { BadRequestError } from './errors.js';

/**
 * Keyset pagination: the cursor holds the last row's sort value and _id, so a page is
 * "rows after this one" (stable under inserts, no skip). Base64url JSON keeps it opaque in URLs.
 */
export interface CursorValue {
  v: string | number | null;
  id: string;
}

export function encodeCursor(value: CursorValue): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export function decodeCursor(raw: string | undefined): CursorValue | undefined {
  if (!raw) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (
      parsed &&
      typeof parsed === 'object' &&
      'id' in parsed &&
      typeof parsed.id === 'string' &&
      Types.ObjectId.isValid(parsed.id) &&
      'v' in parsed &&
      (parsed.v === null || typeof parsed.v === 'string' || typeof parsed.v === 'number')
    ) {
      return { v: parsed.v as CursorValue['v'], id: parsed.id };
    }
  } catch {
    // fall through to the error below
  }
  throw new BadRequestError('The page link is not valid; go back to the first page.');
}

export interface Page<T> {
  rows: T[];
  next: string | undefined;
}

/** Fetches limit+1 rows to know whether a next page exists without counting. */
export function toPage<T extends { _id: Types.ObjectId }>(
  rows: T[],
  limit: number,
  sortValue: (row: T) => CursorValue['v'],
): Page<T> {
  const hasMore = rows.length > limit;
  const pageRows = hasMore ? rows.slice(0, limit) : rows;
  const last = pageRows[pageRows.length - 1];
  return {
    rows: pageRows,
    next: hasMore && last ? encodeCursor({ v: sortValue(last), id: last._id.toString() }) : undefined,
  };
}
