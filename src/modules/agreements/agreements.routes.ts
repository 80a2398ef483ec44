import { Router } from 'express';
import { allow } from '../../lib/permissions.js';
import { idParams, validate } from '../../lib/validation.js';
import { formView } from '../../lib/views.js';
import { acceptUpload } from '../../middleware/uploads.js';
import { ATTACHMENT_MAX_BYTES, ATTACHMENT_TYPES } from './agreements.service.js';
import * as agreements from './agreements.controller.js';
import {
  agreementListQuery,
  attachmentParams,
  boardQuery,
  metricsQuery,
  newQuery,
  stageQuery,
  stageSchema,
  validateAgreement,
} from './agreements.schemas.js';

export const agreementsRouter = Router();
const byId = validate({ params: idParams });

agreementsRouter.get(
  '/agreements',
  allow('agreements.read'),
  validate({ query: agreementListQuery }),
  agreements.index,
);
agreementsRouter.get(
  '/agreements/board',
  allow('agreements.read'),
  validate({ query: boardQuery }),
  agreements.board,
);
agreementsRouter.get(
  '/agreements/metrics',
  allow('agreements.metrics'),
  validate({ query: metricsQuery }),
  agreements.metrics,
);
agreementsRouter.get(
  '/agreements/new',
  allow('agreements.create'),
  validate({ query: newQuery }),
  agreements.newForm,
);
agreementsRouter.post(
  '/agreements',
  allow('agreements.create'),
  formView('agreements/form', agreements.formLocals),
  agreements.pickerSearch,
  validateAgreement(),
  agreements.create,
);
agreementsRouter.get('/agreements/:id', allow('agreements.read'), byId, agreements.show);
agreementsRouter.get('/agreements/:id/edit', allow('agreements.update'), byId, agreements.editForm);
agreementsRouter.post(
  '/agreements/:id',
  allow('agreements.update'),
  byId,
  agreements.requireEditable,
  formView('agreements/form', agreements.formLocals),
  agreements.pickerSearch,
  validateAgreement(),
  agreements.update,
);
agreementsRouter.get(
  '/agreements/:id/stage',
  allow('agreements.update'),
  byId,
  validate({ query: stageQuery }),
  agreements.stageForm,
);
agreementsRouter.post(
  '/agreements/:id/stage',
  allow('agreements.update'),
  byId,
  formView('agreements/stage', agreements.stageLocals),
  validate({ body: stageSchema }),
  agreements.changeStage,
);
agreementsRouter.post('/agreements/:id/renew', allow('agreements.update'), byId, agreements.renew);
agreementsRouter.post(
  '/agreements/:id/attachments',
  allow('agreements.update'),
  byId,
  agreements.requireEditable,
  formView('agreements/show', agreements.showLocals),
  acceptUpload({ field: 'file', types: ATTACHMENT_TYPES, maxBytes: ATTACHMENT_MAX_BYTES }),
  agreements.addAttachment,
);
agreementsRouter.get(
  '/agreements/:id/attachments/:fileId',
  allow('agreements.read'),
  validate({ params: attachmentParams }),
  agreements.downloadAttachment,
);
agreementsRouter.post(
  '/agreements/:id/attachments/:fileId/delete',
  allow('agreements.update'),
  validate({ params: attachmentParams }),
  agreements.removeAttachment,
);
