import { Router } from 'express';
import { allow } from '../../lib/permissions.js';
import { idParams, validate } from '../../lib/validation.js';
import { formView } from '../../lib/views.js';
import * as desks from './desks.controller.js';
import { deskListQuery, deskSchema, moveSchema, routeTestQuery, ruleSchema } from './desks.schemas.js';
import * as routing from './routing.controller.js';

const byId = validate({ params: idParams });

/** Mounted at /admin/desks. */
export const desksRouter = Router();
const manageDesks = allow('desks.manage');

desksRouter.get('/', manageDesks, validate({ query: deskListQuery }), desks.index);
desksRouter.get('/new', manageDesks, desks.newForm);
desksRouter.post(
  '/',
  manageDesks,
  formView('admin/desks/form', desks.formLocals),
  validate({ body: deskSchema }),
  desks.create,
);
desksRouter.get('/:id/edit', manageDesks, byId, desks.editForm);
desksRouter.post(
  '/:id',
  manageDesks,
  byId,
  formView('admin/desks/form', desks.editLocals),
  validate({ body: deskSchema }),
  desks.update,
);
desksRouter.post('/:id/archive', manageDesks, byId, desks.archive);
desksRouter.post('/:id/unarchive', manageDesks, byId, desks.unarchive);

/** Mounted at /admin/routing. */
export const routingRouter = Router();
const manageRouting = allow('routing.manage');

routingRouter.get('/', manageRouting, routing.index);
routingRouter.get('/test', manageRouting, validate({ query: routeTestQuery }), routing.test);
routingRouter.get('/new', manageRouting, routing.newForm);
routingRouter.post(
  '/',
  manageRouting,
  formView('admin/routing/form', routing.formLocals),
  validate({ body: ruleSchema }),
  routing.create,
);
routingRouter.get('/:id/edit', manageRouting, byId, routing.editForm);
routingRouter.post(
  '/:id',
  manageRouting,
  byId,
  formView('admin/routing/form', routing.editLocals),
  validate({ body: ruleSchema }),
  routing.update,
);
routingRouter.post('/:id/move', manageRouting, byId, validate({ body: moveSchema }), routing.move);
routingRouter.post('/:id/enable', manageRouting, byId, routing.enable);
routingRouter.post('/:id/disable', manageRouting, byId, routing.disable);
routingRouter.post('/:id/delete', manageRouting, byId, routing.remove);
