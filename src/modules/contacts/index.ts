import './contacts.partner.js';

export { ContactModel, CONTACT_LANGUAGES, type Contact, type ContactLanguage } from './contact.model.js';
export { contactsOfPartner, contactsOfPartners, type ContactOption } from './contacts.lookup.js';
export {
  canWriteContacts,
  contactNames,
  deriveContactKeys,
  findLiveContact,
  type ContactName,
} from './contacts.service.js';
export { contactSchema, contactFields, type ContactInput } from './contacts.schemas.js';
export { contactsRouter } from './contacts.routes.js';
