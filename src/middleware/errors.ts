import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import { config } from '../config/index.js';
import { isDatabaseUnavailable } from '../lib/db/index.js';
import {
  AppError,
  NotFoundError,
  ServiceUnavailableError,
  TooManyRequestsError,
  ValidationError,
} from '../lib/errors.js';
import { logger } from '../lib/logger.js';
import { renderPage, type FormSpec } from '../lib/views.js';
import { applyViewLocals } from './locals.js';

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
  if (isDatabaseUnavailable(err)) return new ServiceUnavailableError();
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

/** Our own error keys (errors.csrf on a 403…) say more than the generic text for the status. */
function pageMessage(appErr: AppError): string {
  if (appErr.status === 400 || appErr.message.startsWith('errors.')) return appErr.message;
  return PAGE_MESSAGE[appErr.status] ?? appErr.message;
}

function wantsJson(req: Parameters<ErrorRequestHandler>[1]): boolean {
  return req.path.startsWith('/api/') || req.accepts(['html', 'json']) !== 'html';
}

/** Re-shows the form the request came from, keeping what the user typed (lib/views formView). */
async function rerenderForm(res: Response, form: FormSpec, body: unknown, appErr: AppError): Promise<void> {
  const t = res.locals.t;
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

  // Errors raised before the locals middleware (database gate, body parser) still get a full page.
  if (!res.locals.t) applyViewLocals(req, res);
  const t = res.locals.t;
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

  const form = res.locals.form;
  if (form && appErr.status < 500 && appErr.status !== 403 && appErr.status !== 404) {
    delete res.locals.form;
    try {
      await rerenderForm(res, form, req.body, appErr);
    } catch (formErr) {
      // The form cannot be shown again (its record is gone: 404): answer with that error instead.
      await errorHandler(formErr, req, res, next);
    }
    return;
  }

  try {
    await renderPage(
      res,
      'errors/error',
      {
        status: appErr.status,
        message: t(pageMessage(appErr)),
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
