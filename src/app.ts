import { join } from 'node:path';
import express, { type Express } from 'express';
import { config } from './config/index.js';
import { connectedClient } from './lib/db/index.js';
import { publicDir, rootDir, viewsDir } from './lib/paths.js';
import { csrfProtection } from './middleware/csrf.js';
import { databaseGate } from './middleware/database-gate.js';
import { errorHandler, notFound } from './middleware/errors.js';
import { viewLocals } from './middleware/locals.js';
import { requestLogger } from './middleware/request-logger.js';
import { saveBeforeRedirect } from './middleware/save-before-redirect.js';
import { securityHeaders } from './middleware/security.js';
import { parseMultipart } from './middleware/uploads.js';
import { rejectNulCharacters } from './middleware/nul-characters.js';
import { absoluteTimeout, passport, sessionMiddleware } from './modules/auth/index.js';
import { unreadNotifications } from './modules/notifications/index.js';
import { mountEarlyRoutes, mountRoutes } from './routes.js';

/** Builds the app without listening or connecting, so tests drive it directly. */
export function createApp(): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  // "simple" parsing: ?email[$ne]=x stays the literal key "email[$ne]", never an object.
  app.set('query parser', 'simple');
  app.set('views', viewsDir);
  app.set('view engine', 'ejs');
  if (config.isProduction) app.set('view cache', true);

  app.use(requestLogger);
  app.use(securityHeaders);
  const staticOptions = { maxAge: config.isProduction ? '7d' : 0, index: false } as const;
  app.use('/public', express.static(publicDir, staticOptions));
  app.use('/vendor/bootstrap', express.static(join(rootDir, 'node_modules/bootstrap/dist'), staticOptions));
  mountEarlyRoutes(app);

  app.use(databaseGate);
  app.use(express.urlencoded({ extended: false, limit: '100kb', parameterLimit: 200 }));
  app.use(express.json({ limit: '100kb' }));
  app.use(sessionMiddleware(connectedClient()));
  app.use(saveBeforeRedirect);
  app.use(passport.initialize());
  app.use(passport.session());
  app.use(absoluteTimeout);
  app.use(viewLocals);
  app.use(unreadNotifications);
  app.use(parseMultipart);
  app.use(rejectNulCharacters);
  app.use(csrfProtection);

  mountRoutes(app);

  app.use(notFound);
  app.use(errorHandler);
  return app;
}
