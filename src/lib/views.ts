import type { NextFunction, Request, RequestHandler, Response } from 'express';

type Locals = Record<string, unknown>;

function renderView(res: Response, view: string, locals: Locals): Promise<string> {
  return new Promise((resolve, reject) => {
    res.render(view, locals, (err: Error | null, html?: string) => (err ? reject(err) : resolve(html ?? '')));
  });
}

/** Renders a page inside the one layout (views/layout.ejs). */
export async function renderPage(
  res: Response,
  view: string,
  locals: Locals = {},
  status?: number,
): Promise<void> {
  const body = await renderView(res, view, locals);
  const html = await renderView(res, 'layout', { ...locals, body });
  if (status) res.status(status);
  res.type('html').send(html);
}

export type FormLocals = (req: Request, res: Response) => Promise<Locals> | Locals;

export interface FormSpec {
  view: string;
  locals?: FormLocals;
}

declare module 'express-serve-static-core' {
  interface Locals {
    form?: FormSpec;
  }
}

/**
 * Names the form a POST came from. When validation or a service rejects the input, the error
 * middleware re-renders this view with the user's values and field errors (422, or 409 for a
 * conflict), so nothing typed is lost.
 */
export function formView(view: string, locals?: FormLocals): RequestHandler {
  return (_req: Request, res: Response, next: NextFunction) => {
    res.locals.form = locals ? { view, locals } : { view };
    next();
  };
}
