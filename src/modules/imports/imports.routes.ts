import { Router } from 'express';
import { allow } from '../../lib/permissions.js';
import { idParams, validate } from '../../lib/validation.js';
import { formView } from '../../lib/views.js';
import { acceptUpload } from '../../middleware/uploads.js';
import * as imports from './imports.controller.js';
import { importDefinitions, IMPORT_MAX_BYTES } from './imports.core.js';
import { batchListQuery, importFormSchema } from './imports.schemas.js';

/** Mounted before the partner and contact routers so /partners/import is not read as an id. */
export const importsRouter = Router();
const byId = validate({ params: idParams });

for (const def of importDefinitions()) {
  importsRouter.get(`${def.basePath}/import`, allow(def.action), imports.newForm(def));
  importsRouter.post(
    `${def.basePath}/import`,
    allow(def.action),
    formView('imports/form', imports.formLocals(def)),
    acceptUpload({ field: 'file', maxBytes: IMPORT_MAX_BYTES, types: ['csv', 'xlsx'] }),
    validate({ body: importFormSchema }),
    imports.create(def),
  );
}

importsRouter.get('/imports', allow('imports.read'), validate({ query: batchListQuery }), imports.index);
importsRouter.get('/imports/:id', allow('imports.read'), byId, imports.show);
importsRouter.post('/imports/:id/undo', allow('imports.undo'), byId, imports.undo);
