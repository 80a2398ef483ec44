import { Router } from 'express';
import { allow } from '../../lib/permissions.js';
import { idParams, validate } from '../../lib/validation.js';
import { formView } from '../../lib/views.js';
import * as partners from './partners.controller.js';
import {
  bulkSchema,
  mergeQuery,
  mergeSchema,
  ownerSchema,
  partnerListQuery,
  partnerSchema,
} from './partners.schemas.js';

export const partnersRouter = Router();
const byId = validate({ params: idParams });

partnersRouter.get(
  '/partners',
  allow('partners.read'),
  validate({ query: partnerListQuery }),
  partners.index,
);
partnersRouter.get('/partners/new', allow('partners.create'), partners.newForm);
partnersRouter.post(
  '/partners',
  allow('partners.create'),
  formView('partners/form', partners.formLocals),
  validate({ body: partnerSchema }),
  partners.create,
);
partnersRouter.post('/partners/bulk', allow('partners.bulk'), validate({ body: bulkSchema }), partners.bulk);
partnersRouter.get('/partners/:id', allow('partners.read'), byId, partners.show);
partnersRouter.get('/partners/:id/edit', allow('partners.update'), byId, partners.editForm);
partnersRouter.post(
  '/partners/:id',
  allow('partners.update'),
  byId,
  formView('partners/form', partners.editLocals),
  validate({ body: partnerSchema }),
  partners.update,
);
partnersRouter.post('/partners/:id/archive', allow('partners.archive'), byId, partners.archive);
partnersRouter.post('/partners/:id/unarchive', allow('partners.archive'), byId, partners.unarchive);
partnersRouter.post(
  '/partners/:id/owner',
  allow('partners.bulk'),
  byId,
  validate({ body: ownerSchema }),
  partners.reassign,
);
partnersRouter.get(
  '/partners/:id/merge',
  allow('partners.merge'),
  byId,
  validate({ query: mergeQuery }),
  partners.mergeForm,
);
partnersRouter.post(
  '/partners/:id/merge',
  allow('partners.merge'),
  byId,
  validate({ body: mergeSchema }),
  partners.merge,
);
