import type { Action } from '../../lib/permissions.js';

/**
 * Navigation sections whose feature has not landed yet: each shows a "coming soon" page
 * under the same permission its real module will use. A section is removed from here when
 * its module mounts the real routes.
 */
export interface Section {
  path: string;
  navKey: string;
  action: Action;
}

export const PENDING_SECTIONS: Section[] = [
  { path: '/plaques', navKey: 'nav.plaques', action: 'plaques.read' },
  { path: '/agreements', navKey: 'nav.agreements', action: 'agreements.read' },
  { path: '/cases', navKey: 'nav.cases', action: 'cases.read' },
  { path: '/targets', navKey: 'nav.targets', action: 'targets.read' },
  { path: '/admin/desks', navKey: 'nav.desks', action: 'desks.manage' },
  { path: '/admin/routing', navKey: 'nav.routing', action: 'routing.manage' },
];
