import { Types } from 'mongoose';
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
