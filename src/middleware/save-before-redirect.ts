import type { RequestHandler } from 'express';

/**
 * express-session stores a changed session only as the response ends, after it has already
 * written the response head. A browser follows a redirect as soon as it reads the head, so the
 * next page could load the session before a flash message or a language switch was stored, and
 * the message was lost (seen in the browser suite, about one sign-out in five). A redirect of a
 * request that queued a flash message or switched the language now saves the session first.
 */
export const saveBeforeRedirect: RequestHandler = (req, res, next) => {
  const localeBefore = req.session?.locale;
  const redirect = res.redirect.bind(res) as (...args: unknown[]) => void;
  res.redirect = ((...args: unknown[]) => {
    const session = req.session;
    if (!session || (!session.flash?.length && session.locale === localeBefore)) return redirect(...args);
    session.save((err?: unknown) => (err ? next(err) : redirect(...args)));
  }) as typeof res.redirect;
  next();
};
