import passport from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import { auditContext } from '../audit/index.js';
import { loadSessionUser } from '../users/index.js';
import { authenticate, type AuthResult } from './auth.service.js';

export type LoginFailure = Extract<AuthResult, { ok: false }>;

passport.use(
  new LocalStrategy(
    { usernameField: 'email', passwordField: 'password', passReqToCallback: true },
    (req, email, password, done) => {
      authenticate(email, password, auditContext(req))
        .then(async (result) => {
          if (!result.ok) return done(null, false, { ...result, message: result.reason });
          const user = await loadSessionUser(result.userId);
          return user
            ? done(null, user)
            : done(null, false, { ok: false, reason: 'invalid', message: 'invalid' } as LoginFailure & {
                message: string;
              });
        })
        .catch(done);
    },
  ),
);

passport.serializeUser((user, done) => done(null, user._id.toHexString()));

// Runs on every request: a disabled or deleted user stops being signed in at once.
passport.deserializeUser((id: string, done) => {
  loadSessionUser(id)
    .then((user) => done(null, user ?? false))
    .catch(done);
});

export { passport };
