import { Router } from 'express';
import { allow, can, type Action } from '../../lib/permissions.js';
import { renderPage } from '../../lib/views.js';

export const homeRouter = Router();

const QUICK_LINKS: { href: string; navKey: string; action: Action }[] = [
  { href: '/partners', navKey: 'nav.partners', action: 'partners.read' },
  { href: '/follow-ups', navKey: 'nav.followUps', action: 'followups.read' },
  { href: '/agreements', navKey: 'nav.agreements', action: 'agreements.read' },
  { href: '/cases', navKey: 'nav.cases', action: 'cases.read' },
  { href: '/targets', navKey: 'nav.targets', action: 'targets.read' },
  { href: '/admin/users', navKey: 'nav.users', action: 'users.manage' },
];

homeRouter.get('/', allow('dashboard.view'), async (req, res) => {
  const links = QUICK_LINKS.filter((l) => can(req.user, l.action));
  await renderPage(res, 'home/dashboard', { links });
});
