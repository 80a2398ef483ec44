import { rejectNulCharacters } from '../../middleware/nul-characters.js';
import express, { Router, type RequestHandler } from 'express';
import type Joi from 'joi';
import { NotFoundError } from '../../lib/errors.js';
import { allow, publicRoute, type Action } from '../../lib/permissions.js';
import { idParams, objectId, validate } from '../../lib/validation.js';
import { databaseGate } from '../../middleware/database-gate.js';
import { contactListQuery, contactSchema } from '../contacts/index.js';
import { eventListQuery, eventSchema } from '../events/index.js';
import { interactionListQuery, interactionSchema } from '../interactions/index.js';
import { partnerListQuery, partnerSchema } from '../partners/index.js';
import { plaqueApiSchema, plaqueListQuery, revokeSchema } from '../plaques/index.js';
import * as api from './api.controller.js';
import { bearerAuth, noStore, translateDetails } from './api.middleware.js';
import { openApiDocument } from './api.openapi.js';
import { idempotency } from './idempotency.js';

export interface ApiRoute {
  method: 'get' | 'post' | 'put';
  path: string;
  /** The same permission as the HTML route doing the same thing. */
  action: Action;
  tag: string;
  summary: string;
  query?: Joi.ObjectSchema;
  body?: Joi.ObjectSchema;
  /** Answers a page of rows with a `next` link. */
  list?: boolean;
  handler: RequestHandler;
}

// API bodies are JSON documents of the form's fields; `partner` says where a contact or interaction goes.
const contactApiSchema = contactSchema.keys({ partner: objectId().required() });
const interactionApiSchema = interactionSchema.keys({ partner: objectId().required() });

/**
 * Every API route, in one table: the router is built from it and so is the OpenAPI document
 * (api.openapi.ts), so the two cannot drift apart. Each route calls the same service as its
 * page, so row scopes are the same too.
 */
export const API_ROUTES: ApiRoute[] = [
  {
    method: 'get',
    path: '/partners',
    action: 'partners.read',
    tag: 'partners',
    summary: 'List partners',
    query: partnerListQuery,
    list: true,
    handler: api.partnersIndex,
  },
  {
    method: 'get',
    path: '/partners/:id',
    action: 'partners.read',
    tag: 'partners',
    summary: 'One partner',
    handler: api.partnersShow,
  },
  {
    method: 'post',
    path: '/partners',
    action: 'partners.create',
    tag: 'partners',
    summary: 'Create a partner (409 with the likely duplicates until confirmDuplicate=1)',
    body: partnerSchema,
    handler: api.partnersCreate,
  },
  {
    method: 'put',
    path: '/partners/:id',
    action: 'partners.update',
    tag: 'partners',
    summary: 'Replace a partner’s fields (coordinators: partners they own)',
    body: partnerSchema,
    handler: api.partnersUpdate,
  },

  {
    method: 'get',
    path: '/contacts',
    action: 'contacts.read',
    tag: 'contacts',
    summary: 'List contacts',
    query: contactListQuery,
    list: true,
    handler: api.contactsIndex,
  },
  {
    method: 'get',
    path: '/contacts/:id',
    action: 'contacts.read',
    tag: 'contacts',
    summary: 'One contact',
    handler: api.contactsShow,
  },
  {
    method: 'post',
    path: '/contacts',
    action: 'contacts.write',
    tag: 'contacts',
    summary: 'Create a contact at a partner (coordinators: partners they own)',
    body: contactApiSchema,
    handler: api.contactsCreate,
  },
  {
    method: 'put',
    path: '/contacts/:id',
    action: 'contacts.write',
    tag: 'contacts',
    summary: 'Replace a contact’s fields',
    body: contactSchema,
    handler: api.contactsUpdate,
  },

  {
    method: 'get',
    path: '/interactions',
    action: 'interactions.read',
    tag: 'interactions',
    summary: 'List interactions, newest first',
    query: interactionListQuery,
    list: true,
    handler: api.interactionsIndex,
  },
  {
    method: 'get',
    path: '/interactions/:id',
    action: 'interactions.read',
    tag: 'interactions',
    summary: 'One interaction',
    handler: api.interactionsShow,
  },
  {
    method: 'post',
    path: '/interactions',
    action: 'interactions.create',
    tag: 'interactions',
    summary: 'Log an interaction (times in the token user’s time zone)',
    body: interactionApiSchema,
    handler: api.interactionsCreate,
  },
  {
    method: 'put',
    path: '/interactions/:id',
    action: 'interactions.update',
    tag: 'interactions',
    summary: 'Edit an interaction (coordinators: their own)',
    body: interactionSchema,
    handler: api.interactionsUpdate,
  },

  {
    method: 'get',
    path: '/events',
    action: 'events.read',
    tag: 'events',
    summary: 'List events',
    query: eventListQuery,
    list: true,
    handler: api.eventsIndex,
  },
  {
    method: 'get',
    path: '/events/:id',
    action: 'events.read',
    tag: 'events',
    summary: 'One event',
    handler: api.eventsShow,
  },
  {
    method: 'post',
    path: '/events',
    action: 'events.write',
    tag: 'events',
    summary: 'Create an event',
    body: eventSchema,
    handler: api.eventsCreate,
  },
  {
    method: 'put',
    path: '/events/:id',
    action: 'events.write',
    tag: 'events',
    summary: 'Replace an event’s fields',
    body: eventSchema,
    handler: api.eventsUpdate,
  },

  {
    method: 'get',
    path: '/plaques',
    action: 'plaques.read',
    tag: 'plaques',
    summary: 'List plaques, newest award first',
    query: plaqueListQuery,
    list: true,
    handler: api.plaquesIndex,
  },
  {
    method: 'get',
    path: '/plaques/:id',
    action: 'plaques.read',
    tag: 'plaques',
    summary: 'One plaque',
    handler: api.plaquesShow,
  },
  {
    method: 'post',
    path: '/plaques',
    action: 'plaques.award',
    tag: 'plaques',
    summary: 'Award a plaque (eligibility checked; serial generated)',
    body: plaqueApiSchema,
    handler: api.plaquesCreate,
  },
  {
    method: 'post',
    path: '/plaques/:id/revoke',
    action: 'plaques.revoke',
    tag: 'plaques',
    summary: 'Revoke a plaque with a reason (coordinators: plaques they awarded)',
    body: revokeSchema,
    handler: api.plaquesRevoke,
  },
];

/**
 * The JSON API, mounted at /api/v1 before the session and CSRF middleware: requests are
 * authenticated by personal API tokens only.
 */
export const apiRouter = Router();
// The API description is public, like the rest of the documentation (no data in it).
apiRouter.get('/openapi.json', publicRoute, (_req, res) => {
  res.json(openApiDocument(API_ROUTES));
});
// Idempotency-Key applies to every POST route of the table, present and future.
apiRouter.use(
  noStore,
  databaseGate,
  express.json({ limit: '100kb' }),
  rejectNulCharacters,
  bearerAuth,
  idempotency,
);

const byId = validate({ params: idParams });
for (const r of API_ROUTES) {
  const chain: RequestHandler[] = [allow(r.action)];
  if (r.path.includes(':id')) chain.push(byId);
  if (r.query) chain.push(validate({ query: r.query }));
  if (r.body) chain.push(validate({ body: r.body }));
  apiRouter[r.method](r.path, ...chain, r.handler);
}

// Anything else under /api/v1 is a JSON 404, never a page of the HTML app.
apiRouter.use((_req, _res, next) => next(new NotFoundError()));
apiRouter.use(translateDetails);
