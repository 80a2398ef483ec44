import { Router } from 'express';
import { acceptUpload } from '../../middleware/uploads.js';
import { allow } from '../../lib/permissions.js';
import { idParams, validate } from '../../lib/validation.js';
import { formView } from '../../lib/views.js';
import { IMPORT_MAX_BYTES } from './import.service.js';
import * as targets from './targets.controller.js';
import { gridQuery, gridSchema, importSchema, marketListQuery, marketSchema } from './targets.schemas.js';

export const targetsRouter = Router();
const byId = validate({ params: idParams });
const read = allow('targets.read');
const write = allow('targets.write');
const importing = allow('targets.import');
// Coordinators pass this guard for markets they own (targets.actuals.own); the service checks the market.
const actuals = allow('targets.actuals');

targetsRouter.get('/targets', read, validate({ query: marketListQuery }), targets.index);
targetsRouter.get('/targets/new', write, targets.newForm);
targetsRouter.post(
  '/targets',
  write,
  formView('targets/form', targets.formLocals),
  validate({ body: marketSchema }),
  targets.create,
);
targetsRouter.get('/targets/import', importing, targets.importForm);
targetsRouter.post(
  '/targets/import',
  importing,
  formView('targets/import', targets.importLocals),
  acceptUpload({ field: 'file', types: ['csv'], maxBytes: IMPORT_MAX_BYTES }),
  validate({ body: importSchema }),
  targets.importFile,
);
targetsRouter.post('/targets/imports/:id/apply', importing, byId, targets.applyImport);
targetsRouter.get('/targets/:id', read, byId, targets.show);
targetsRouter.get('/targets/:id/edit', write, byId, targets.editForm);
targetsRouter.post(
  '/targets/:id',
  write,
  byId,
  formView('targets/form', targets.formLocals),
  validate({ body: marketSchema }),
  targets.update,
);
targetsRouter.get('/targets/:id/actuals', actuals, byId, validate({ query: gridQuery }), targets.grid);
targetsRouter.post(
  '/targets/:id/actuals',
  actuals,
  byId,
  formView('targets/actuals', targets.gridLocals),
  validate({ body: gridSchema }),
  targets.saveGrid,
);
