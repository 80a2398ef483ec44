import './contacts.partner.js';

export { ContactModel, CONTACT_LANGUAGES, type Contact, type ContactLanguage } from './contact.model.js';
export { contactsOfPartner, contactsOfPartners, type ContactOption } from './contacts.lookup.js';
export {
  buildContactQuery,
  canWriteContacts,
  contactNames,
  createContact,
  listContacts,
  updateContact,
  type ContactRow,
  deriveContactKeys,
  settlePrimary,
  EDITABLE as CONTACT_EDITABLE,
  findLiveContact,
  type ContactName,
} from './contacts.service.js';
export {
  contactSchema,
  contactFields,
  contactListQuery,
  type ContactInput,
  type ContactListFilter,
} from './contacts.schemas.js';
export { contactsRouter } from './contacts.routes.js';
