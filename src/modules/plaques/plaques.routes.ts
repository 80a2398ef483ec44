import { Router } from 'express';
import { allow, publicRoute } from '../../lib/permissions.js';
import { validate } from '../../lib/validation.js';
import { formView } from '../../lib/views.js';
import * as plaques from './plaques.controller.js';
import {
  newPlaqueQuery,
  plaqueIdParams,
  plaqueListQuery,
  plaqueSchema,
  revokeSchema,
  serialParams,
} from './plaques.schemas.js';

export const plaquesRouter = Router();
const read = allow('plaques.read');
const award = allow('plaques.award');
// Coordinators pass this guard for plaques they awarded (plaques.revoke.own); the service checks the row.
const revoke = allow('plaques.revoke');
const byId = validate({ params: plaqueIdParams });

plaquesRouter.get('/plaques', read, validate({ query: plaqueListQuery }), plaques.index);
plaquesRouter.get('/plaques/new', award, validate({ query: newPlaqueQuery }), plaques.newForm);
plaquesRouter.post(
  '/plaques',
  award,
  formView('plaques/new', plaques.awardFormLocals),
  validate({ body: plaqueSchema }),
  plaques.create,
);
plaquesRouter.get('/plaques/:id', read, byId, plaques.show);
plaquesRouter.get('/plaques/:id/certificate', read, byId, plaques.certificate);
plaquesRouter.post(
  '/plaques/:id/revoke',
  revoke,
  byId,
  formView('plaques/show', plaques.showLocals),
  validate({ body: revokeSchema }),
  plaques.revoke,
);

/** The public page a certificate's verification address opens: no sign-in. */
plaquesRouter.get('/verify/:serial', publicRoute, validate({ params: serialParams }), plaques.verify);
