import { rejectNulCharacters } from '../../middleware/nul-characters.js';
import express, { Router, type RequestHandler } from 'express';
import { NotFoundError } from '../../lib/errors.js';
import { allow, publicRoute, type Action } from '../../lib/permissions.js';
import { idParams, Joi, objectId, validate } from '../../lib/validation.js';
import { databaseGate } from '../../middleware/database-gate.js';
import { agreementListQuery, agreementSchema, requireEditable, stageSchema } from '../agreements/index.js';
import {
  acknowledgeSchema,
  assignSchema,
  caseListQuery,
  closeSchema,
  intakeSchema,
  linkPartnersSchema,
  noteSchema,
  prioritySchema,
  reopenSchema,
  resolveSchema,
  statusSchema,
  transferSchema,
} from '../cases/index.js';
import { contactListQuery, contactSchema } from '../contacts/index.js';
import { eventListQuery, eventSchema } from '../events/index.js';
import { interactionListQuery, interactionSchema } from '../interactions/index.js';
import { partnerListQuery, partnerSchema } from '../partners/index.js';
import { plaqueApiSchema, plaqueListQuery, revokeSchema } from '../plaques/index.js';
import { actualsApiSchema, gridQuery, marketListQuery, marketSchema } from '../targets/index.js';
import * as agreements from './api.agreements.js';
import * as cases from './api.cases.js';
import * as api from './api.controller.js';
import * as targets from './api.targets.js';
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
  /** Runs before the body is validated: a record the user may not touch answers 403, not 422. */
  guard?: RequestHandler;
  handler: RequestHandler;
}

// API bodies are JSON documents of the form's fields; `partner` says where a contact or interaction goes.
const contactApiSchema = contactSchema.keys({ partner: objectId().required() });
const interactionApiSchema = interactionSchema.keys({ partner: objectId().required() });

/** The form schema without its form-only keys (picker search, button intent, redirect target). */
function withoutFormKeys(schema: Joi.ObjectSchema, formKeys: readonly string[]): Joi.ObjectSchema {
  const keys = Object.keys((schema.describe() as { keys: Record<string, unknown> }).keys);
  return Joi.object(
    Object.fromEntries(keys.filter((k) => !formKeys.includes(k)).map((k) => [k, schema.extract(k)])),
  );
}
const agreementApiSchema = withoutFormKeys(agreementSchema, ['pq', 'intent']);
const stageApiSchema = withoutFormKeys(stageSchema, ['back']);
const intakeApiSchema = withoutFormKeys(intakeSchema, ['pq', 'intent']);

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

  {
    method: 'get',
    path: '/agreements',
    action: 'agreements.read',
    tag: 'agreements',
    summary: 'List agreements, newest first (the list page’s filters)',
    query: agreementListQuery,
    list: true,
    handler: agreements.agreementsIndex,
  },
  {
    method: 'get',
    path: '/agreements/:id',
    action: 'agreements.read',
    tag: 'agreements',
    summary: 'One agreement with its stage history',
    handler: agreements.agreementsShow,
  },
  {
    method: 'post',
    path: '/agreements',
    action: 'agreements.create',
    tag: 'agreements',
    summary: 'Create an agreement at stage lead (coordinators own what they create)',
    body: agreementApiSchema,
    handler: agreements.agreementsCreate,
  },
  {
    method: 'put',
    path: '/agreements/:id',
    action: 'agreements.update',
    tag: 'agreements',
    summary: 'Replace an agreement’s fields (coordinators: agreements they own)',
    guard: requireEditable,
    body: agreementApiSchema,
    handler: agreements.agreementsUpdate,
  },
  {
    method: 'post',
    path: '/agreements/:id/stage',
    action: 'agreements.update',
    tag: 'agreements',
    summary: 'Move to another stage; fromStage and version are what the client saw (409 when stale)',
    body: stageApiSchema,
    handler: agreements.agreementsStage,
  },

  {
    method: 'get',
    path: '/cases',
    action: 'cases.read',
    tag: 'cases',
    summary: 'List the cases the user may read, soonest due first (scope = the list’s tabs)',
    query: caseListQuery,
    list: true,
    handler: cases.casesIndex,
  },
  {
    method: 'get',
    path: '/cases/:id',
    action: 'cases.read',
    tag: 'cases',
    summary: 'One case (complainant and internal notes null/left out for readers who may not see them)',
    handler: cases.casesShow,
  },
  {
    method: 'post',
    path: '/cases',
    action: 'cases.create',
    tag: 'cases',
    summary: 'Log a complaint (routed to a desk; incident date in the token user’s time zone)',
    body: intakeApiSchema,
    handler: cases.casesCreate,
  },
  {
    method: 'post',
    path: '/cases/:id/notes',
    action: 'cases.work',
    tag: 'cases',
    summary: 'Add a note (version: the case version seen; 409 when stale)',
    body: noteSchema,
    handler: cases.casesNote,
  },
  {
    method: 'post',
    path: '/cases/:id/status',
    action: 'cases.work',
    tag: 'cases',
    summary: 'Change the status (triage, start work, wait on / resume from a partner; 409 when stale)',
    body: statusSchema,
    handler: cases.casesStatus,
  },
  {
    method: 'post',
    path: '/cases/:id/acknowledge',
    action: 'cases.work',
    tag: 'cases',
    summary: 'Acknowledge the case (stops the acknowledge clock; 409 when stale)',
    body: acknowledgeSchema,
    handler: cases.casesAcknowledge,
  },
  {
    method: 'post',
    path: '/cases/:id/assign',
    action: 'cases.work',
    tag: 'cases',
    summary: 'Assign to a member of the case’s desk (409 when stale)',
    body: assignSchema,
    handler: cases.casesAssign,
  },
  {
    method: 'post',
    path: '/cases/:id/priority',
    action: 'cases.work',
    tag: 'cases',
    summary: 'Change the priority (SLA due times recomputed from the desk’s policy; 409 when stale)',
    body: prioritySchema,
    handler: cases.casesPriority,
  },
  {
    method: 'post',
    path: '/cases/:id/partners',
    action: 'cases.work',
    tag: 'cases',
    summary: 'Link partners to the case (409 when stale)',
    body: linkPartnersSchema,
    handler: cases.casesLinkPartners,
  },
  {
    method: 'post',
    path: '/cases/:id/resolve',
    action: 'cases.work',
    tag: 'cases',
    summary: 'Resolve with a resolution code and text (409 when stale)',
    body: resolveSchema,
    handler: cases.casesResolve,
  },
  {
    method: 'post',
    path: '/cases/:id/close',
    action: 'cases.work',
    tag: 'cases',
    summary: 'Close a resolved case (409 when stale)',
    body: closeSchema,
    handler: cases.casesClose,
  },
  {
    method: 'post',
    path: '/cases/:id/reopen',
    action: 'cases.work',
    tag: 'cases',
    summary: 'Reopen within 30 days of resolution, with a reason (409 when stale)',
    body: reopenSchema,
    handler: cases.casesReopen,
  },
  {
    method: 'post',
    path: '/cases/:id/transfer',
    action: 'cases.work',
    tag: 'cases',
    summary: 'Transfer to another desk with a note (409 when stale)',
    body: transferSchema,
    handler: cases.casesTransfer,
  },

  {
    method: 'get',
    path: '/targets',
    action: 'targets.read',
    tag: 'targets',
    summary: 'Doubling-plan markets with their progress, and the totals',
    query: marketListQuery,
    list: true,
    handler: targets.marketsIndex,
  },
  {
    method: 'get',
    path: '/targets/:id',
    action: 'targets.read',
    tag: 'targets',
    summary: 'One market with its progress',
    handler: targets.marketsShow,
  },
  {
    method: 'post',
    path: '/targets',
    action: 'targets.write',
    tag: 'targets',
    summary: 'Create a market (one per origin → destination pair)',
    body: marketSchema,
    handler: targets.marketsCreate,
  },
  {
    method: 'put',
    path: '/targets/:id',
    action: 'targets.write',
    tag: 'targets',
    summary: 'Replace a market’s fields',
    body: marketSchema,
    handler: targets.marketsUpdate,
  },
  {
    method: 'get',
    path: '/targets/:id/actuals',
    action: 'targets.actuals',
    tag: 'targets',
    summary: 'A year of monthly actuals, month → visitors (coordinators: markets they own)',
    query: gridQuery,
    handler: targets.actualsShow,
  },
  {
    method: 'put',
    path: '/targets/:id/actuals',
    action: 'targets.actuals',
    tag: 'targets',
    summary: 'Set monthly actuals of a year (a month null removes its figure; months left out are kept)',
    body: actualsApiSchema,
    handler: targets.actualsUpdate,
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
  if (r.guard) chain.push(r.guard);
  if (r.query) chain.push(validate({ query: r.query }));
  if (r.body) chain.push(validate({ body: r.body }));
  apiRouter[r.method](r.path, ...chain, r.handler);
}

// Anything else under /api/v1 is a JSON 404, never a page of the HTML app.
apiRouter.use((_req, _res, next) => next(new NotFoundError()));
apiRouter.use(translateDetails);
