import { Router } from 'express';
import { allow } from '../../lib/permissions.js';
import { validate } from '../../lib/validation.js';
import { formView } from '../../lib/views.js';
import * as contacts from './contacts.controller.js';
import {
  contactIdParams,
  contactListQuery,
  contactSchema,
  partnerIdParams,
  returnToSchema,
} from './contacts.schemas.js';

export const contactsRouter = Router();
const read = allow('contacts.read');
// Coordinators pass this guard for partners they own (contacts.write.own); the service checks the row.
const write = allow('contacts.write');
const byId = validate({ params: contactIdParams });
const byPartner = validate({ params: partnerIdParams });

contactsRouter.get('/contacts', read, validate({ query: contactListQuery }), contacts.index);
contactsRouter.get('/partners/:id/contacts/new', write, byPartner, contacts.newForm);
contactsRouter.post(
  '/partners/:id/contacts',
  write,
  byPartner,
  formView('contacts/form', contacts.newLocals),
  validate({ body: contactSchema }),
  contacts.create,
);
contactsRouter.get('/contacts/:id', read, byId, contacts.show);
contactsRouter.get('/contacts/:id/edit', write, byId, contacts.editForm);
contactsRouter.post(
  '/contacts/:id',
  write,
  byId,
  formView('contacts/form', contacts.editLocals),
  validate({ body: contactSchema }),
  contacts.update,
);
contactsRouter.post(
  '/contacts/:id/primary',
  write,
  byId,
  validate({ body: returnToSchema }),
  contacts.primary,
);
contactsRouter.post('/contacts/:id/archive', write, byId, contacts.archive);
