import { Router } from 'express';
import { allow } from '../../lib/permissions.js';
import { idParams, validate } from '../../lib/validation.js';
import { formView } from '../../lib/views.js';
import * as followUps from './follow-ups.controller.js';
import * as interactions from './interactions.controller.js';
import {
  followUpDoneSchema,
  followUpListQuery,
  interactionListQuery,
  interactionSchema,
  rescheduleSchema,
} from './interactions.schemas.js';

const byId = validate({ params: idParams });

/** Logging from a partner: mounted under /partners. */
export const partnerInteractionsRouter = Router();
const logger = allow('interactions.create');

partnerInteractionsRouter.get('/:id/interactions/new', logger, byId, interactions.newForm);
partnerInteractionsRouter.post(
  '/:id/interactions',
  logger,
  byId,
  formView('interactions/new', interactions.newLocals),
  validate({ body: interactionSchema }),
  interactions.create,
);

export const interactionsRouter = Router();

interactionsRouter.get(
  '/',
  allow('interactions.read'),
  validate({ query: interactionListQuery }),
  interactions.index,
);
interactionsRouter.get('/:id', allow('interactions.read'), byId, interactions.show);
interactionsRouter.get('/:id/edit', allow('interactions.update'), byId, interactions.edit);
interactionsRouter.post(
  '/:id',
  allow('interactions.update'),
  byId,
  formView('interactions/edit', interactions.editLocals),
  validate({ body: interactionSchema }),
  interactions.update,
);
interactionsRouter.post('/:id/delete', allow('interactions.delete'), byId, interactions.destroy);

export const followUpsRouter = Router();

followUpsRouter.get('/', allow('followups.read'), validate({ query: followUpListQuery }), followUps.index);
followUpsRouter.post(
  '/:id/done',
  allow('followups.update'),
  byId,
  validate({ body: followUpDoneSchema }),
  followUps.done,
);
followUpsRouter.post(
  '/:id/reschedule',
  allow('followups.update'),
  byId,
  formView('follow-ups/index', followUps.rescheduleLocals),
  validate({ body: rescheduleSchema }),
  followUps.reschedule,
);
