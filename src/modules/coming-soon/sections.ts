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

export const PENDING_SECTIONS: Section[] = [];
