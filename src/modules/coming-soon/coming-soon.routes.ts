import { Router } from 'express';
import { allow } from '../../lib/permissions.js';
import { renderPage } from '../../lib/views.js';
import { PENDING_SECTIONS } from './sections.js';

export const comingSoonRouter = Router();

for (const section of PENDING_SECTIONS) {
  comingSoonRouter.get(section.path, allow(section.action), async (_req, res) => {
    await renderPage(res, 'coming-soon', { section: res.locals.t(section.navKey) });
  });
}
