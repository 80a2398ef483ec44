import { Router } from 'express';
import { pingDatabase } from '../../lib/db/index.js';
import { publicRoute } from '../../lib/permissions.js';

export const healthRouter = Router();

/** 200 once the database answers a ping, 503 before that and whenever it stops answering. */
healthRouter.get('/healthz', publicRoute, async (_req, res) => {
  const ok = await pingDatabase();
  res.setHeader('Cache-Control', 'no-store');
  res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'unavailable' });
});
