import type { Request, Response } from 'express';
import { nextDay, startOfDayInZone } from '../../lib/local-time.js';
import { auditContext } from '../audit/index.js';
import {
  createContact,
  findLiveContact,
  listContacts,
  updateContact,
  type ContactInput,
  type ContactListFilter,
} from '../contacts/index.js';
import {
  createEvent,
  findEvent,
  listEvents,
  today,
  updateEvent,
  type EventInput,
  type EventListFilter,
} from '../events/index.js';
import {
  createInteraction,
  findInteraction,
  listInteractions,
  updateInteraction,
  type InteractionInput,
  type InteractionListQuery,
} from '../interactions/index.js';
import {
  createPartner,
  findPartner,
  listPartners,
  updatePartner,
  type PartnerInput,
  type PartnerListFilter,
} from '../partners/index.js';
import {
  awardPlaque,
  findPlaque,
  listPlaques,
  revokePlaque,
  type PlaqueInput,
  type PlaqueListFilter,
  type RevokeInput,
} from '../plaques/index.js';
import {
  listBody,
  presentContact,
  presentEvent,
  presentInteraction,
  presentPartner,
  presentPlaque,
} from './api.present.js';

export type Doc = Record<string, unknown>;
export const id = (req: Request) => (req.valid.params as { id: string }).id;
export const user = (req: Request) => req.user!;

export function created(res: Response, location: string, body: Doc): void {
  res.status(201).location(location).json({ data: body });
}

// Partners: the same filters, schema, duplicate check (409 until confirmDuplicate=1) and
// row scope (coordinators edit partners they own) as the HTML pages.
export async function partnersIndex(req: Request, res: Response): Promise<void> {
  const filter = req.valid.query as PartnerListFilter;
  const page = await listPartners(filter, user(req));
  res.json({ ...listBody(req, page, presentPartner, filter as unknown as Doc), total: page.total });
}

export async function partnersShow(req: Request, res: Response): Promise<void> {
  res.json({ data: presentPartner((await findPartner(id(req))) as unknown as Doc) });
}

export async function partnersCreate(req: Request, res: Response): Promise<void> {
  const partner = await createPartner(req.valid.body as PartnerInput, user(req), auditContext(req));
  created(res, `/api/v1/partners/${partner._id.toHexString()}`, presentPartner(partner as unknown as Doc));
}

export async function partnersUpdate(req: Request, res: Response): Promise<void> {
  const partner = await updatePartner(id(req), req.valid.body as PartnerInput, user(req), auditContext(req));
  res.json({ data: presentPartner(partner as unknown as Doc) });
}

// Contacts: created under a partner given in the body; coordinators write those of partners they own.
export async function contactsIndex(req: Request, res: Response): Promise<void> {
  const filter = req.valid.query as ContactListFilter;
  res.json(listBody(req, await listContacts(filter), presentContact, filter as unknown as Doc));
}

export async function contactsShow(req: Request, res: Response): Promise<void> {
  res.json({ data: presentContact((await findLiveContact(id(req))) as unknown as Doc) });
}

export async function contactsCreate(req: Request, res: Response): Promise<void> {
  const { partner, ...input } = req.valid.body as ContactInput & { partner: string };
  const contact = await createContact(partner, input, user(req), auditContext(req));
  created(res, `/api/v1/contacts/${contact._id.toHexString()}`, presentContact(contact as unknown as Doc));
}

export async function contactsUpdate(req: Request, res: Response): Promise<void> {
  const contact = await updateContact(id(req), req.valid.body as ContactInput, user(req), auditContext(req));
  res.json({ data: presentContact(contact as unknown as Doc) });
}

// Interactions: times and days are the token user's wall clock, as on their forms.
export async function interactionsIndex(req: Request, res: Response): Promise<void> {
  const query = req.valid.query as InteractionListQuery;
  const tz = user(req).timeZone;
  const page = await listInteractions({
    by: query.by === 'me' ? user(req)._id : query.by || undefined,
    kind: query.kind || undefined,
    partnerType: query.partnerType || undefined,
    partnerCountry: query.partnerCountry || undefined,
    partner: query.partner || undefined,
    from: query.from ? startOfDayInZone(query.from, tz) : undefined,
    to: query.to ? startOfDayInZone(nextDay(query.to), tz) : undefined,
    after: query.after || undefined,
  });
  res.json(listBody(req, page, presentInteraction, query as unknown as Doc));
}

export async function interactionsShow(req: Request, res: Response): Promise<void> {
  res.json({ data: presentInteraction((await findInteraction(id(req))) as unknown as Doc) });
}

export async function interactionsCreate(req: Request, res: Response): Promise<void> {
  const { partner, ...input } = req.valid.body as InteractionInput & { partner: string };
  const doc = await createInteraction(partner, input, user(req), auditContext(req), {
    timeZone: user(req).timeZone,
  });
  created(res, `/api/v1/interactions/${doc._id.toHexString()}`, presentInteraction(doc as unknown as Doc));
}

export async function interactionsUpdate(req: Request, res: Response): Promise<void> {
  const doc = await updateInteraction(
    id(req),
    req.valid.body as InteractionInput,
    user(req),
    auditContext(req),
    {
      timeZone: user(req).timeZone,
    },
  );
  res.json({ data: presentInteraction(doc as unknown as Doc) });
}

// Events.
export async function eventsIndex(req: Request, res: Response): Promise<void> {
  const filter = req.valid.query as EventListFilter;
  const page = await listEvents(filter, today(user(req).timeZone));
  res.json(listBody(req, page, presentEvent, filter as unknown as Doc));
}

export async function eventsShow(req: Request, res: Response): Promise<void> {
  res.json({ data: presentEvent((await findEvent(id(req))) as unknown as Doc) });
}

export async function eventsCreate(req: Request, res: Response): Promise<void> {
  const event = await createEvent(req.valid.body as EventInput, user(req), auditContext(req));
  created(res, `/api/v1/events/${event._id.toHexString()}`, presentEvent(event as unknown as Doc));
}

export async function eventsUpdate(req: Request, res: Response): Promise<void> {
  const event = await updateEvent(id(req), req.valid.body as EventInput, user(req), auditContext(req));
  res.json({ data: presentEvent(event as unknown as Doc) });
}

// Plaques: eligibility, serials and revoke rules are the service's, as on the pages.
export async function plaquesIndex(req: Request, res: Response): Promise<void> {
  const filter = req.valid.query as PlaqueListFilter;
  res.json(listBody(req, await listPlaques(filter), presentPlaque, filter as unknown as Doc));
}

export async function plaquesShow(req: Request, res: Response): Promise<void> {
  res.json({ data: presentPlaque((await findPlaque(id(req))) as unknown as Doc) });
}

export async function plaquesCreate(req: Request, res: Response): Promise<void> {
  const plaque = await awardPlaque(req.valid.body as PlaqueInput, user(req), auditContext(req));
  created(res, `/api/v1/plaques/${plaque._id.toHexString()}`, presentPlaque(plaque as unknown as Doc));
}

export async function plaquesRevoke(req: Request, res: Response): Promise<void> {
  const { reason } = req.valid.body as RevokeInput;
  const plaque = await revokePlaque(id(req), reason, user(req), auditContext(req));
  res.json({ data: presentPlaque(plaque as unknown as Doc) });
}
