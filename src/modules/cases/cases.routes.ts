import { Router, type RequestHandler } from 'express';
import type Joi from 'joi';
import { allow } from '../../lib/permissions.js';
import { idParams, validate } from '../../lib/validation.js';
import { formView } from '../../lib/views.js';
import { acceptUpload } from '../../middleware/uploads.js';
import { CASE_ATTACHMENT_MAX_BYTES, CASE_ATTACHMENT_TYPES } from './case-attachments.service.js';
import * as cases from './cases.controller.js';
import {
  acknowledgeSchema,
  assignSchema,
  caseListQuery,
  closeSchema,
  intakeSchema,
  linkPartnersSchema,
  noteSchema,
  prioritySchema,
  reopenSchema,
  reportQuery,
  resolveSchema,
  showQuery,
  statusSchema,
  transferSchema,
} from './cases.schemas.js';

export const casesRouter = Router();
const byId = validate({ params: idParams });

casesRouter.get('/cases', allow('cases.read'), validate({ query: caseListQuery }), cases.index);
casesRouter.get('/cases/new', allow('cases.create'), cases.newForm);
casesRouter.post(
  '/cases',
  allow('cases.create'),
  formView('cases/new', cases.intakeLocals),
  acceptUpload({
    field: 'attachment',
    types: CASE_ATTACHMENT_TYPES,
    maxBytes: CASE_ATTACHMENT_MAX_BYTES,
    optional: true,
  }),
  validate({ body: intakeSchema }),
  cases.create,
);
casesRouter.get(
  '/cases/:id/attachments/:fileId',
  allow('cases.read'),
  validate({ params: idParams.keys({ fileId: idParams.extract('id') }) }),
  cases.downloadAttachment,
);
casesRouter.get('/cases/reports', allow('cases.reports'), validate({ query: reportQuery }), cases.reports);
casesRouter.get('/cases/:id', allow('cases.read'), byId, validate({ query: showQuery }), cases.show);

/** A case action: a refused one re-shows the case page with the field errors (422) or the conflict (409). */
function action(path: string, schema: Joi.Schema, handler: RequestHandler): void {
  casesRouter.post(
    `/cases/:id/${path}`,
    allow('cases.work'),
    byId,
    formView('cases/show', cases.showLocals),
    validate({ body: schema }),
    handler,
  );
}

action('acknowledge', acknowledgeSchema, cases.acknowledge);
action('assign', assignSchema, cases.assign);
action('status', statusSchema, cases.status);
action('notes', noteSchema, cases.note);
action('partners', linkPartnersSchema, cases.linkPartners);
action('priority', prioritySchema, cases.priority);
action('resolve', resolveSchema, cases.resolve);
action('close', closeSchema, cases.close);
action('reopen', reopenSchema, cases.reopen);
action('transfer', transferSchema, cases.transfer);
