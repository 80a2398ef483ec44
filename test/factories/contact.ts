import { Types } from 'mongoose';
import {
  ContactModel,
  deriveContactKeys,
  type Contact,
  type ContactLanguage,
} from '../../src/modules/contacts/index.js';

let seq = 0;

export interface ContactOverrides {
  partner: Types.ObjectId | { _id: Types.ObjectId; country?: string };
  name?: string;
  nameLocal?: string | null;
  title?: string | null;
  email?: string | null;
  phone?: string | null;
  wechat?: string | null;
  line?: string | null;
  whatsapp?: string | null;
  languages?: ContactLanguage[];
  primary?: boolean;
  archivedAt?: Date | null;
}

export function buildContact(overrides: ContactOverrides) {
  seq += 1;
  const { partner, ...rest } = overrides;
  const partnerId = partner instanceof Types.ObjectId ? partner : partner._id;
  const country = partner instanceof Types.ObjectId ? null : (partner.country ?? null);
  const base = {
    name: `Contact ${seq} ${Math.random().toString(36).slice(2, 7)}`,
    nameLocal: null,
    title: null,
    email: null,
    phone: null,
    wechat: null,
    line: null,
    whatsapp: null,
    languages: [] as ContactLanguage[],
    primary: false,
    archivedAt: null,
    ...rest,
  };
  return { ...base, partner: partnerId, partnerCountry: country, ...deriveContactKeys(base) };
}

/** Inserts a contact directly, with its derived sort and search keys (no primary bookkeeping). */
export async function createContact(overrides: ContactOverrides): Promise<Contact> {
  const doc = await ContactModel.create(buildContact(overrides));
  return doc.toObject() as Contact;
}
