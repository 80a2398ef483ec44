import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import { config } from '../config/index.js';
import { AppError, NotFoundError, TooManyRequestsError, ValidationError } from '../lib/errors.js';
import { translator } from '../lib/i18n.js';
import { logger } from '../lib/logger.js';
import { renderPage } from '../lib/views.js';

export const notFound: RequestHandler = (_req, _res, next) => next(new NotFoundError());

interface HttpishError {
  status?: number;
  statusCode?: number;
  code?: string;
  type?: string;
  message?: string;
}

/** Normalises anything thrown (ours, body-parser's, csrf-sync's) to an AppError. */
function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const e = (err ?? {}) as HttpishError;
  const status = e.status ?? e.statusCode ?? 500;
  if (status === 403 && /csrf/i.test(e.message ?? '')) return new AppError(403, 'csrf', 'errors.csrf');
  if (status === 413) return new AppError(413, 'too_large', 'The request is too large.');
  if (status === 400 && e.type === 'entity.parse.failed')
    return new AppError(400, 'bad_request', 'errors.badRequest');
  if (status >= 400 && status < 500)
    return new AppError(status, e.code ?? 'bad_request', 'errors.badRequest');
  return new AppError(500, 'internal', 'errors.generic');
}

const PAGE_MESSAGE: Record<number, string> = {
  400: 'errors.badRequest',
  403: 'errors.forbidden',
  404: 'errors.notFound',
  429: 'errors.tooMany',
  503: 'errors.unavailable',
};

function wantsJson(req: Parameters<ErrorRequestHandler>[1]): boolean {
  return req.path.startsWith('/api/') || req.accepts(['html', 'json']) !== 'html';
}

/** Re-shows the form the request came from, keeping what the user typed (lib/views formView). */
async function rerenderForm(res: Response, body: unknown, appErr: AppError): Promise<void> {
  const form = res.locals.form!;
  const t = res.locals.t ?? translator(config.defaultLocale);
  const fields = appErr instanceof ValidationError ? appErr.fields : {};
  const errors = Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, t(v)]));
  const extra = form.locals ? await form.locals(res.req, res) : {};
  const values = { ...(body as Record<string, unknown>) };
  // Never echo secrets back into a page.
  for (const key of Object.keys(values)) if (/password/i.test(key)) values[key] = '';
  await renderPage(
    res,
    form.view,
    {
      ...extra,
      values,
      errors,
      formError: appErr instanceof ValidationError ? t('errors.formInvalid') : t(appErr.message),
      conflict: appErr.details,
    },
    appErr.status,
  );
}

export const errorHandler: ErrorRequestHandler = async (err, req, res, next) => {
  if (res.headersSent) return next(err);
  const appErr = toAppError(err);
  if (appErr.status >= 500) logger.error({ err, reqId: req.id }, 'request failed');

  if (appErr instanceof TooManyRequestsError) res.setHeader('Retry-After', String(appErr.retryAfterSeconds));
  if (appErr.status === 503) res.setHeader('Retry-After', '5');

  const t = res.locals.t ?? translator(config.defaultLocale);
  if (wantsJson(req)) {
    res.status(appErr.status).json({
      error: {
        code: appErr.code,
        message: t(appErr.message),
        ...(appErr.details !== undefined ? { details: appErr.details } : {}),
        ...(config.isProduction || appErr.status < 500 ? {} : { stack: (err as Error).stack }),
      },
    });
    return;
  }

  try {
    if (res.locals.form && appErr.status < 500 && appErr.status !== 403 && appErr.status !== 404) {
      await rerenderForm(res, req.body, appErr);
      return;
    }
    await renderPage(
      res,
      'errors/error',
      {
        status: appErr.status,
        message: t(
          PAGE_MESSAGE[appErr.status] && appErr.status !== 400
            ? PAGE_MESSAGE[appErr.status]!
            : appErr.message,
        ),
        stack: config.isProduction || appErr.status < 500 ? null : (err as Error).stack,
      },
      appErr.status,
    );
  } catch (renderErr) {
    // The error page itself failed (database down mid-render…): plain text, no details.
    logger.error({ err: renderErr }, 'error page failed');
    res
      .status(appErr.status)
      .type('text')
      .send(t(PAGE_MESSAGE[appErr.status] ?? 'errors.generic'));
  }
};
