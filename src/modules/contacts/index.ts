export { ContactModel, CONTACT_LANGUAGES, type Contact } from './contact.model.js';
export { contactsOfPartner, type ContactOption } from './contacts.lookup.js';
