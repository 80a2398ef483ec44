import { Types } from 'mongoose';
import { trusted } from '../../lib/db/index.js';
import { ContactModel } from './contact.model.js';

export interface ContactOption {
  _id: Types.ObjectId;
  name: string;
  nameLocal: string | null;
  title: string | null;
  primary: boolean;
}

/** A partner's live contacts, primary first: for pickers (interactions, events). */
export async function contactsOfPartner(partnerId: Types.ObjectId | string): Promise<ContactOption[]> {
  return ContactModel.find(
    { partner: new Types.ObjectId(String(partnerId)), archivedAt: null },
    { name: 1, nameLocal: 1, title: 1, primary: 1 },
  )
    .sort({ primary: -1, sortName: 1 })
    .lean<ContactOption[]>();
}

/** Live contacts of several partners in one query (event pickers), by partner then primary and name. */
export async function contactsOfPartners(
  partnerIds: (Types.ObjectId | string)[],
  limit = 500,
): Promise<(ContactOption & { partner: Types.ObjectId })[]> {
  const ids = [...new Set(partnerIds.map(String))].map((id) => new Types.ObjectId(id));
  if (!ids.length) return [];
  return ContactModel.find(
    { partner: trusted({ $in: ids }), archivedAt: null },
    { name: 1, nameLocal: 1, title: 1, primary: 1, partner: 1 },
  )
    .sort({ partner: 1, primary: -1, sortName: 1, _id: 1 })
    .limit(limit)
    .lean<(ContactOption & { partner: Types.ObjectId })[]>();
}
