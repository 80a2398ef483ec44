import { Joi, objectId, countryFilter } from '../../lib/validation.js';
import { CONTACT_LANGUAGES, type ContactLanguage } from './contact.model.js';

const optionalText = (max: number) =>
  Joi.string().trim().max(max).allow('', null).empty(['', null]).default(null);

// Digits and the punctuation people write phone numbers with; an extension may follow.
const PHONE = /^[0-9+()\-.\s/]*(?:(?:ext|x)\.?\s*\d+)?$/i;
// Messenger handles: no spaces or markup characters.
const HANDLE = /^[^\s<>"'`]*$/;

const phone = Joi.string().trim().max(50).pattern(PHONE).allow('', null).empty(['', null]).default(null);
const handle = (max: number) =>
  Joi.string().trim().max(max).pattern(HANDLE).allow('', null).empty(['', null]).default(null);

/** A checkbox group posts one string for one box and an array for several. */
const languages = Joi.array()
  .items(Joi.string().valid(...CONTACT_LANGUAGES))
  .single()
  .unique()
  .max(CONTACT_LANGUAGES.length)
  .default([]);

// Checkbox and API spellings of "yes"; absent means "no change".
const flag = Joi.boolean().truthy('1', 'on').falsy('0', '').default(false);

/** One contact as the form, the import row and the API send it (SPEC field names). */
export const contactFields = {
  name: Joi.string().trim().min(1).max(120).required(),
  nameLocal: optionalText(120),
  title: optionalText(120),
  email: Joi.string()
    .trim()
    .lowercase()
    .email({ tlds: false })
    .max(254)
    .allow('', null)
    .empty(['', null])
    .default(null),
  phone,
  wechat: handle(64),
  line: handle(64),
  whatsapp: phone,
  languages,
  /** Make this the partner's primary contact (the previous one stops being primary). */
  primary: flag,
};

/**
 * The contact form (its partner comes from the URL). Import rows and API bodies use the same
 * fields with `partner` added: contactSchema.keys({ partner: objectId().required() }).
 */
export const contactSchema = Joi.object({
  ...contactFields,
  confirmDuplicate: Joi.string().valid('1', ''),
});

export interface ContactInput {
  name: string;
  nameLocal: string | null;
  title: string | null;
  email: string | null;
  phone: string | null;
  wechat: string | null;
  line: string | null;
  whatsapp: string | null;
  languages: ContactLanguage[];
  primary: boolean;
  confirmDuplicate?: string;
}

/** Where a button on the partner page or the contact page returns to. */
export const returnToSchema = Joi.object({
  returnTo: Joi.string().valid('partner', 'contact').default('contact'),
});

export const contactListQuery = Joi.object({
  q: Joi.string().trim().max(100).allow(''),
  country: countryFilter(),
  language: Joi.string()
    .valid(...CONTACT_LANGUAGES, '')
    .default(''),
  partner: objectId().allow('').default(''),
  after: Joi.string().max(300).allow(''),
});

export interface ContactListFilter {
  q?: string;
  country: string;
  language: ContactLanguage | '';
  partner: string;
  after?: string;
}

export const contactIdParams = Joi.object({ id: objectId().required() });
export const partnerIdParams = Joi.object({ id: objectId().required() });
