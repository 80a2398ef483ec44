import type { Types } from 'mongoose';
import { EventModel, type CrmEvent } from '../../src/modules/events/index.js';
import { searchTokens } from '../../src/modules/partners/index.js';

let seq = 0;

export interface EventOverrides {
  name?: string;
  nameLocal?: string | null;
  /** Calendar days as YYYY-MM-DD (stored as UTC midnight). */
  startsAt?: string;
  endsAt?: string | null;
  city?: string | null;
  country?: string | null;
  description?: string | null;
  partners?: Types.ObjectId[];
  contacts?: Types.ObjectId[];
  archivedAt?: Date | null;
}

export const day = (text: string): Date => new Date(`${text}T00:00:00.000Z`);

export function buildEvent(overrides: EventOverrides = {}) {
  seq += 1;
  const { startsAt = '2025-11-17', endsAt = null, ...rest } = overrides;
  const base = {
    name: `Exchange Meeting ${seq} ${Math.random().toString(36).slice(2, 7)}`,
    nameLocal: null,
    city: 'Chongqing',
    country: 'CN',
    description: null,
    partners: [] as Types.ObjectId[],
    contacts: [] as Types.ObjectId[],
    archivedAt: null,
    ...rest,
  };
  const start = day(startsAt);
  const end = endsAt ? day(endsAt) : null;
  return {
    ...base,
    startsAt: start,
    endsAt: end,
    lastDay: end ?? start,
    searchTokens: searchTokens([base.name, base.nameLocal, base.city]),
  };
}

/** Inserts an event directly, with its derived keys. */
export async function createEvent(overrides: EventOverrides = {}): Promise<CrmEvent> {
  const doc = await EventModel.create(buildEvent(overrides));
  return doc.toObject() as CrmEvent;
}
