import { Types } from 'mongoose';
import { ContactModel, type Contact } from '../../src/modules/contacts/index.js';
import { EventModel, type CrmEvent } from '../../src/modules/events/index.js';
import {
  InteractionModel,
  type Interaction,
  type InteractionKind,
} from '../../src/modules/interactions/index.js';
import type { Partner } from '../../src/modules/partners/index.js';

let seq = 0;

export interface InteractionOverrides {
  partner: Pick<Partner, '_id' | 'type' | 'country'>;
  by: Types.ObjectId;
  kind?: InteractionKind;
  occurredAt?: Date;
  summary?: string;
  contacts?: Types.ObjectId[];
  event?: Types.ObjectId | null;
  followUpAt?: Date | null;
  followUpAssignee?: Types.ObjectId | null;
  followUpDone?: boolean;
  followUpDoneAt?: Date | null;
  /** Defaults to followUpAt for an open follow-up (a reminder pending), as the service stores it. */
  followUpRemindAt?: Date | null;
  followUpNotifiedFor?: Date | null;
  deletedAt?: Date | null;
  createdAt?: Date;
}

export function buildInteraction(o: InteractionOverrides) {
  seq += 1;
  const followUpAt = o.followUpAt ?? null;
  const done = o.followUpDone ?? false;
  const remindAt = o.followUpRemindAt !== undefined ? o.followUpRemindAt : done ? null : followUpAt;
  return {
    partner: o.partner._id,
    partnerType: o.partner.type,
    partnerCountry: o.partner.country,
    by: o.by,
    kind: o.kind ?? 'meeting',
    occurredAt: o.occurredAt ?? new Date(),
    summary: o.summary ?? `Interaction ${seq}`,
    contacts: o.contacts ?? [],
    event: o.event ?? null,
    followUpAt,
    followUpAssignee: o.followUpAssignee ?? (followUpAt ? o.by : null),
    followUpDone: done,
    followUpDoneAt: o.followUpDoneAt ?? (done ? new Date() : null),
    followUpRemindAt: remindAt,
    followUpReminderPending: remindAt != null,
    followUpNotifiedFor: o.followUpNotifiedFor ?? null,
    deletedAt: o.deletedAt ?? null,
    ...(o.createdAt ? { createdAt: o.createdAt } : {}),
  };
}

/** Inserts an interaction directly (no audit, no partner lastInteractionAt update). */
export async function createInteraction(o: InteractionOverrides): Promise<Interaction> {
  const doc = buildInteraction(o);
  if (o.createdAt) {
    // timestamps would overwrite createdAt on create: insert through the driver instead.
    const _id = new Types.ObjectId();
    await InteractionModel.collection.insertOne({
      _id,
      ...doc,
      createdAt: o.createdAt,
      updatedAt: o.createdAt,
    });
    return (await InteractionModel.findById(_id).lean<Interaction>())!;
  }
  return (await InteractionModel.create(doc)).toObject() as Interaction;
}

/** A contact at the partner (the contacts UI is another feature's: inserted directly). */
export async function createContactAt(
  partner: Pick<Partner, '_id'>,
  overrides: { name?: string; archivedAt?: Date | null; primary?: boolean } = {},
): Promise<Contact> {
  seq += 1;
  const name = overrides.name ?? `Contact ${seq}`;
  const doc = await ContactModel.create({
    partner: partner._id,
    name,
    sortName: name.toLowerCase(),
    archivedAt: overrides.archivedAt ?? null,
    primary: overrides.primary ?? false,
  });
  return doc.toObject() as Contact;
}

export async function createEvent(
  overrides: { name?: string; archivedAt?: Date | null } = {},
): Promise<CrmEvent> {
  seq += 1;
  const doc = await EventModel.create({
    name: overrides.name ?? `Exchange meeting ${seq}`,
    startsAt: new Date('2025-11-17T01:00:00Z'),
    city: 'Chongqing',
    country: 'CN',
    archivedAt: overrides.archivedAt ?? null,
  });
  return doc.toObject() as CrmEvent;
}
