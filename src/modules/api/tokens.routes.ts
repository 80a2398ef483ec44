import { Router } from 'express';
import { allow } from '../../lib/permissions.js';
import { idParams, validate } from '../../lib/validation.js';
import { formView } from '../../lib/views.js';
import * as tokens from './tokens.controller.js';
import { tokenSchema } from './tokens.schemas.js';

/** Personal API tokens, managed by each user on their profile. */
export const apiTokensRouter = Router();
const self = allow('profile.manage');

apiTokensRouter.get('/profile/tokens', self, tokens.index);
apiTokensRouter.post(
  '/profile/tokens',
  self,
  formView('api/tokens', tokens.tokensLocals),
  validate({ body: tokenSchema }),
  tokens.create,
);
apiTokensRouter.post('/profile/tokens/:id/revoke', self, validate({ params: idParams }), tokens.revoke);
