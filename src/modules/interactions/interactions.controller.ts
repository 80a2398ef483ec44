import type { Request, Response } from 'express';
import type { Types } from 'mongoose';
import { trusted } from '../../lib/db/index.js';
import { countryOptions } from '../../lib/countries.js';
import { ForbiddenError } from '../../lib/errors.js';
import { flash } from '../../lib/flash.js';
import { rolesFor } from '../../lib/permissions.js';
import { renderPage } from '../../lib/views.js';
import { auditContext } from '../audit/index.js';
import { findLivePartner, findPartner, PARTNER_TYPES } from '../partners/index.js';
import { UserModel } from '../users/index.js';
import { canChangeFollowUp } from './follow-ups.service.js';
import { INTERACTION_KINDS } from './interaction.model.js';
import type { InteractionInput, InteractionListQuery } from './interactions.schemas.js';
import * as service from './interactions.service.js';
import { toLocalDateTimeInput, toLocalDay } from '../../lib/local-time.js';

/** Limits the form's date inputs show (the service checks them again). */
export function dateLimits(timeZone: string, now = new Date()) {
  return {
    maxOccurredAt: toLocalDateTimeInput(new Date(now.getTime() + service.FUTURE_LIMIT_MS), timeZone),
    minFollowUp: toLocalDay(now, timeZone),
  };
}

/** Locals of the log form page (also used to re-show it after a rejected submit). */
export async function newLocals(req: Request, res: Response): Promise<Record<string, unknown>> {
  const { id } = req.valid.params as { id: string };
  const partner = await findLivePartner(id);
  if (!service.canLogOn(req.user, partner)) throw new ForbiddenError();
  const choices = await service.formChoices(partner._id);
  return { partner, choices, kinds: INTERACTION_KINDS, ...dateLimits(res.locals.timeZone) };
}

export async function newForm(req: Request, res: Response): Promise<void> {
  const locals = await newLocals(req, res);
  await renderPage(res, 'interactions/new', {
    ...locals,
    values: service.newFormValues(req.user!, res.locals.timeZone),
    errors: {},
  });
}

export async function create(req: Request, res: Response): Promise<void> {
  const { id } = req.valid.params as { id: string };
  await service.createInteraction(id, req.valid.body as InteractionInput, req.user!, auditContext(req), {
    timeZone: res.locals.timeZone,
  });
  flash(req, 'success', res.locals.t('interactions.logged'));
  res.redirect(`/partners/${id}#timeline`);
}

export async function show(req: Request, res: Response): Promise<void> {
  const { id } = req.valid.params as { id: string };
  const interaction = await service.findInteraction(id);
  const [partner, names] = await Promise.all([
    findPartner(interaction.partner),
    service.namesFor([interaction], false),
  ]);
  const user = req.user!;
  await renderPage(res, 'interactions/show', {
    interaction,
    partner,
    names,
    canEdit: service.canEditInteraction(user, interaction),
    canDelete: service.canDeleteInteraction(user, interaction),
    canChangeFollowUp: canChangeFollowUp(user, interaction),
    minFollowUp: toLocalDay(new Date(), res.locals.timeZone),
    followUpState: service.followUpStateFn(res.locals.timeZone),
    values: {},
    errors: {},
  });
}

/** Locals of the edit page (also used to re-show it after a rejected submit). */
export async function editLocals(req: Request, res: Response): Promise<Record<string, unknown>> {
  const { id } = req.valid.params as { id: string };
  const interaction = await service.findInteraction(id);
  if (!service.canEditInteraction(req.user, interaction)) throw new ForbiddenError();
  const [partner, choices] = await Promise.all([
    findPartner(interaction.partner),
    service.formChoices(interaction.partner, interaction),
  ]);
  return { interaction, partner, choices, kinds: INTERACTION_KINDS, ...dateLimits(res.locals.timeZone) };
}

export async function edit(req: Request, res: Response): Promise<void> {
  const locals = await editLocals(req, res);
  const interaction = locals.interaction as Awaited<ReturnType<typeof service.findInteraction>>;
  await renderPage(res, 'interactions/edit', {
    ...locals,
    values: service.editFormValues(interaction, req.user!, res.locals.timeZone),
    errors: {},
  });
}

export async function update(req: Request, res: Response): Promise<void> {
  const { id } = req.valid.params as { id: string };
  await service.updateInteraction(id, req.valid.body as InteractionInput, req.user!, auditContext(req), {
    timeZone: res.locals.timeZone,
  });
  flash(req, 'success', res.locals.t('interactions.updated'));
  res.redirect(`/interactions/${id}`);
}

export async function destroy(req: Request, res: Response): Promise<void> {
  const { id } = req.valid.params as { id: string };
  const interaction = await service.findInteraction(id);
  if (!service.canDeleteInteraction(req.user, interaction)) {
    // Say why: the generic 403 page would not tell an author their 24 hours have passed.
    const own = String(interaction.by) === String(req.user!._id);
    await renderPage(
      res,
      'errors/error',
      {
        status: 403,
        message: res.locals.t(own ? 'interactions.errors.deleteWindow' : 'errors.forbidden'),
        stack: null,
      },
      403,
    );
    return;
  }
  await service.deleteInteraction(id, req.user!, auditContext(req));
  flash(req, 'success', res.locals.t('interactions.deleted'));
  res.redirect(`/partners/${interaction.partner.toHexString()}#timeline`);
}

/** People who log interactions (disabled ones too: their interactions stay), for the "by" filter. */
async function authorChoices(): Promise<{ _id: Types.ObjectId; name: string; disabledAt: Date | null }[]> {
  return UserModel.find(
    { role: trusted({ $in: [...rolesFor('interactions.create')] }) },
    { name: 1, disabledAt: 1 },
  )
    .sort({ name: 1, _id: 1 })
    .lean<{ _id: Types.ObjectId; name: string; disabledAt: Date | null }[]>();
}

export async function index(req: Request, res: Response): Promise<void> {
  const query = req.valid.query as InteractionListQuery;
  const [page, authors, partner] = await Promise.all([
    service.listInteractions(service.interactionFilter(query, req.user!, res.locals.timeZone)),
    authorChoices(),
    query.partner ? findPartner(query.partner).catch(() => null) : Promise.resolve(null),
  ]);
  const names = await service.namesFor(page.rows);
  await renderPage(res, 'interactions/index', {
    page,
    names,
    query,
    authors,
    partner,
    kinds: INTERACTION_KINDS,
    partnerTypes: PARTNER_TYPES,
    countries: countryOptions(res.locals.locale),
    followUpState: service.followUpStateFn(res.locals.timeZone),
  });
}
