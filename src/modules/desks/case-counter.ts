import type { Types } from 'mongoose';

/**
 * Open-case counts come from the cases module, which registers them at start-up, so desks never
 * imports cases (cases imports desks).
 */
export type OpenCaseCounter = (
  deskId: Types.ObjectId,
  userIds: Types.ObjectId[],
) => Promise<Map<string, number>>;

/** All open cases of a desk, assigned or not (archiving a desk with open cases is refused). */
export type DeskOpenCaseTotal = (deskId: Types.ObjectId) => Promise<number>;

let counter: OpenCaseCounter | null = null;
let total: DeskOpenCaseTotal | null = null;

/** Open cases per assignee (hex id → count) among `userIds` on the desk. Returns the one it replaces. */
export function registerOpenCaseCounter(fn: OpenCaseCounter | null): OpenCaseCounter | null {
  const previous = counter;
  counter = fn;
  return previous;
}

export function registerDeskOpenCaseTotal(fn: DeskOpenCaseTotal | null): DeskOpenCaseTotal | null {
  const previous = total;
  total = fn;
  return previous;
}

/** Counts per user; users the counter does not mention (or no counter at all) count 0. */
export async function openCasesByUser(
  deskId: Types.ObjectId,
  userIds: Types.ObjectId[],
): Promise<Map<string, number>> {
  const out = new Map<string, number>(userIds.map((id) => [id.toHexString(), 0]));
  if (!counter || !userIds.length) return out;
  const counted = await counter(deskId, userIds);
  for (const [id, n] of counted) if (out.has(id)) out.set(id, n);
  return out;
}

/**
 * Open cases of the desk: the registered total, else (no total registered) the sum of the
 * per-member counts of `memberIds`.
 */
export async function openCasesOfDesk(deskId: Types.ObjectId, memberIds: Types.ObjectId[]): Promise<number> {
  if (total) return total(deskId);
  let sum = 0;
  for (const n of (await openCasesByUser(deskId, memberIds)).values()) sum += n;
  return sum;
}
