import { Router } from 'express';
import { publicRoute, signedIn } from '../../lib/permissions.js';
import { Joi, validate } from '../../lib/validation.js';
import { formView } from '../../lib/views.js';
import { setupSchema } from '../users/index.js';
import * as auth from './auth.controller.js';
import { localeSchema, loginQuery, loginSchema } from './auth.schemas.js';

export const authRouter = Router();

authRouter.get('/login', publicRoute, validate({ query: loginQuery }), auth.showLogin);
authRouter.post('/login', publicRoute, formView('auth/login'), validate({ body: loginSchema }), auth.login);
authRouter.post('/logout', signedIn, validate({ body: Joi.object({}) }), auth.logout);
authRouter.get('/setup', publicRoute, auth.setupOpen, auth.showSetup);
authRouter.post(
  '/setup',
  publicRoute,
  auth.setupOpen,
  formView('auth/setup'),
  validate({ body: setupSchema }),
  auth.setup,
);
authRouter.post('/locale', publicRoute, validate({ body: localeSchema }), auth.switchLocale);
