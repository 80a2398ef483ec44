import express, { Router } from 'express';
import { allow } from '../../lib/permissions.js';
import { idParams, objectId, validate } from '../../lib/validation.js';
import { databaseGate } from '../../middleware/database-gate.js';
import { NotFoundError } from '../../lib/errors.js';
import { contactListQuery, contactSchema } from '../contacts/index.js';
import { eventListQuery, eventSchema } from '../events/index.js';
import { interactionListQuery, interactionSchema } from '../interactions/index.js';
import { partnerListQuery, partnerSchema } from '../partners/index.js';
import { plaqueApiSchema, plaqueListQuery, revokeSchema } from '../plaques/index.js';
import * as api from './api.controller.js';
import { bearerAuth, noStore, translateDetails } from './api.middleware.js';

/**
 * The JSON API, mounted at /api/v1 before the session and CSRF middleware: requests are
 * authenticated by personal API tokens only. Each route declares the same permission as its
 * HTML counterpart, and calls the same service, so row scopes are the same too.
 */
export const apiRouter = Router();
apiRouter.use(noStore, databaseGate, express.json({ limit: '100kb' }), bearerAuth);

const byId = validate({ params: idParams });
// API bodies are JSON documents of the form's fields; `partner` says where a contact or interaction goes.
const contactApiSchema = contactSchema.keys({ partner: objectId().required() });
const interactionApiSchema = interactionSchema.keys({ partner: objectId().required() });

apiRouter.get('/partners', allow('partners.read'), validate({ query: partnerListQuery }), api.partnersIndex);
apiRouter.get('/partners/:id', allow('partners.read'), byId, api.partnersShow);
apiRouter.post('/partners', allow('partners.create'), validate({ body: partnerSchema }), api.partnersCreate);
apiRouter.put(
  '/partners/:id',
  allow('partners.update'),
  byId,
  validate({ body: partnerSchema }),
  api.partnersUpdate,
);

apiRouter.get('/contacts', allow('contacts.read'), validate({ query: contactListQuery }), api.contactsIndex);
apiRouter.get('/contacts/:id', allow('contacts.read'), byId, api.contactsShow);
apiRouter.post(
  '/contacts',
  allow('contacts.write'),
  validate({ body: contactApiSchema }),
  api.contactsCreate,
);
apiRouter.put(
  '/contacts/:id',
  allow('contacts.write'),
  byId,
  validate({ body: contactSchema }),
  api.contactsUpdate,
);

apiRouter.get(
  '/interactions',
  allow('interactions.read'),
  validate({ query: interactionListQuery }),
  api.interactionsIndex,
);
apiRouter.get('/interactions/:id', allow('interactions.read'), byId, api.interactionsShow);
apiRouter.post(
  '/interactions',
  allow('interactions.create'),
  validate({ body: interactionApiSchema }),
  api.interactionsCreate,
);
apiRouter.put(
  '/interactions/:id',
  allow('interactions.update'),
  byId,
  validate({ body: interactionSchema }),
  api.interactionsUpdate,
);

apiRouter.get('/events', allow('events.read'), validate({ query: eventListQuery }), api.eventsIndex);
apiRouter.get('/events/:id', allow('events.read'), byId, api.eventsShow);
apiRouter.post('/events', allow('events.write'), validate({ body: eventSchema }), api.eventsCreate);
apiRouter.put('/events/:id', allow('events.write'), byId, validate({ body: eventSchema }), api.eventsUpdate);

apiRouter.get('/plaques', allow('plaques.read'), validate({ query: plaqueListQuery }), api.plaquesIndex);
apiRouter.get('/plaques/:id', allow('plaques.read'), byId, api.plaquesShow);
apiRouter.post('/plaques', allow('plaques.award'), validate({ body: plaqueApiSchema }), api.plaquesCreate);
apiRouter.post(
  '/plaques/:id/revoke',
  allow('plaques.revoke'),
  byId,
  validate({ body: revokeSchema }),
  api.plaquesRevoke,
);

// Anything else under /api/v1 is a JSON 404, never a page of the HTML app.
apiRouter.use((_req, _res, next) => next(new NotFoundError()));
apiRouter.use(translateDetails);
