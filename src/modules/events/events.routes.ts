import { Router } from 'express';
import { allow } from '../../lib/permissions.js';
import { validate } from '../../lib/validation.js';
import { formView } from '../../lib/views.js';
import * as events from './events.controller.js';
import {
  attachContactsSchema,
  attachPartnersSchema,
  eventContactParams,
  eventIdParams,
  eventListQuery,
  eventPageQuery,
  eventPartnerParams,
  eventSchema,
} from './events.schemas.js';

export const eventsRouter = Router();
const read = allow('events.read');
const write = allow('events.write');
const byId = validate({ params: eventIdParams });

eventsRouter.get('/events', read, validate({ query: eventListQuery }), events.index);
eventsRouter.get('/events/new', write, events.newForm);
eventsRouter.post(
  '/events',
  write,
  formView('events/form', events.formLocals),
  validate({ body: eventSchema }),
  events.create,
);
eventsRouter.get('/events/:id', read, byId, validate({ query: eventPageQuery }), events.show);
eventsRouter.get('/events/:id/edit', write, byId, events.editForm);
eventsRouter.post(
  '/events/:id',
  write,
  byId,
  formView('events/form', events.formLocals),
  validate({ body: eventSchema }),
  events.update,
);
eventsRouter.post('/events/:id/archive', write, byId, events.archive);
eventsRouter.post(
  '/events/:id/partners',
  write,
  byId,
  formView('events/show', events.showLocals),
  validate({ body: attachPartnersSchema }),
  events.attachPartners,
);
eventsRouter.post(
  '/events/:id/partners/:partnerId/remove',
  write,
  validate({ params: eventPartnerParams }),
  events.removePartner,
);
eventsRouter.post(
  '/events/:id/contacts',
  write,
  byId,
  formView('events/show', events.showLocals),
  validate({ body: attachContactsSchema }),
  events.attachContacts,
);
eventsRouter.post(
  '/events/:id/contacts/:contactId/remove',
  write,
  validate({ params: eventContactParams }),
  events.removeContact,
);
