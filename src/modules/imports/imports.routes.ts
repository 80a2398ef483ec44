import { Router } from 'express';
import { allow } from '../../lib/permissions.js';
import { validate } from '../../lib/validation.js';
import { formView } from '../../lib/views.js';
import { acceptUpload } from '../../middleware/uploads.js';
import * as imports from './imports.controller.js';
import { importFormSchema } from './imports.schemas.js';
import { IMPORT_MAX_BYTES } from './imports.service.js';

/** Mounted before the partners router so /partners/import is not read as a partner id. */
export const importsRouter = Router();

importsRouter.get('/partners/import', allow('partners.import'), imports.newForm);
importsRouter.post(
  '/partners/import',
  allow('partners.import'),
  formView('imports/form', imports.formLocals),
  acceptUpload({ field: 'file', maxBytes: IMPORT_MAX_BYTES, types: ['csv', 'xlsx'] }),
  validate({ body: importFormSchema }),
  imports.create,
);
