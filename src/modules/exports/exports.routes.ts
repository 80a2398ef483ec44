import { Router } from 'express';
import { allow } from '../../lib/permissions.js';
import { idParams, Joi, validate } from '../../lib/validation.js';
import * as exportsCtl from './exports.controller.js';
import { onExportRegistered } from './registry.js';

/**
 * Export routes. Mounted before the feature routers, so `/partners/export.csv` is not taken for
 * a partner id. Each registered entity adds its dialog, downloads and background start here.
 */
export const exportsRouter = Router();
const byId = validate({ params: idParams });

exportsRouter.get(
  '/exports',
  allow('exports.use'),
  validate({ query: Joi.object({ after: Joi.string().max(300).allow('') }) }),
  exportsCtl.index,
);
exportsRouter.get('/exports/:id', allow('exports.use'), byId, exportsCtl.show);
exportsRouter.get('/exports/:id/download', allow('exports.use'), byId, exportsCtl.downloadFile);

onExportRegistered((def) => {
  exportsRouter.get(`${def.basePath}/export`, allow(def.action), exportsCtl.dialog(def));
  exportsRouter.get(`${def.basePath}/export.csv`, allow(def.action), exportsCtl.download(def, 'csv'));
  exportsRouter.get(`${def.basePath}/export.xlsx`, allow(def.action), exportsCtl.download(def, 'xlsx'));
  exportsRouter.post(`${def.basePath}/export`, allow(def.action), exportsCtl.submit(def));
});
