import type { Request, Response } from 'express';
import { config } from '../../config/index.js';
import { ValidationError } from '../../lib/errors.js';
import { flash } from '../../lib/flash.js';
import { renderPage } from '../../lib/views.js';
import { auditContext } from '../audit/index.js';
import type { TokenInput } from './tokens.schemas.js';
import * as tokens from './tokens.service.js';

export async function tokensLocals(req: Request, res: Response): Promise<Record<string, unknown>> {
  return {
    tokens: await tokens.listTokens(req.user!._id),
    apiBase: `${config.appUrl}/api/v1`,
    created: null,
    title: res.locals.t('api.tokens.title'),
  };
}

export async function index(req: Request, res: Response): Promise<void> {
  await renderPage(res, 'api/tokens', { ...(await tokensLocals(req, res)), values: {}, errors: {} });
}

/** The new secret is shown on this response only (no redirect: it must not travel in a flash). */
export async function create(req: Request, res: Response): Promise<void> {
  const { name } = req.valid.body as TokenInput;
  if ((await tokens.activeTokenCount(req.user!._id)) >= tokens.TOKENS_PER_USER_MAX)
    throw new ValidationError({ name: 'api.tokens.tooMany' });
  const { token, row } = await tokens.createToken(req.user!, name, auditContext(req));
  res.setHeader('Cache-Control', 'no-store');
  await renderPage(
    res,
    'api/tokens',
    { ...(await tokensLocals(req, res)), created: { token, name: row.name }, values: {}, errors: {} },
    201,
  );
}

export async function revoke(req: Request, res: Response): Promise<void> {
  const { id } = req.valid.params as { id: string };
  const token = await tokens.revokeToken(id, req.user!, auditContext(req));
  flash(req, 'success', res.locals.t('api.tokens.revoked', { name: token.name }));
  res.redirect('/profile/tokens');
}
