import type { RequestHandler } from 'express';
import { ForbiddenError } from './errors.js';

export const ROLES = ['admin', 'manager', 'coordinator', 'complaint_officer', 'staff'] as const;
export type Role = (typeof ROLES)[number];

/**
 * Who may do what: the one table every route consults. An action ending in `.own` grants the
 * base action only on records the user owns (see canOnRecord).
 */
const TABLE = {
  'dashboard.view': ['admin', 'manager', 'coordinator', 'complaint_officer', 'staff'],
  'profile.manage': ['admin', 'manager', 'coordinator', 'complaint_officer', 'staff'],
  'users.manage': ['admin'],
  'audit.read': ['admin'],
  'desks.manage': ['admin'],
  'routing.manage': ['admin'],

  'partners.read': ['admin', 'manager', 'coordinator', 'complaint_officer', 'staff'],
  'partners.create': ['admin', 'manager', 'coordinator'],
  'partners.update': ['admin', 'manager'],
  'partners.update.own': ['coordinator'],
  'partners.archive': ['admin', 'manager'],
  'partners.archive.own': ['coordinator'],
  'partners.merge': ['admin', 'manager'],
  'partners.bulk': ['admin', 'manager'],
  'partners.export': ['admin', 'manager', 'coordinator', 'staff'],
  // Imports create partners (coordinators own what they import) and may update existing ones.
  'partners.import': ['admin', 'manager', 'coordinator'],
  'contacts.read': ['admin', 'manager', 'coordinator', 'complaint_officer', 'staff'],
  // Contacts belong to a partner: a coordinator edits those of partners they own.
  'contacts.write': ['admin', 'manager'],
  'contacts.write.own': ['coordinator'],
  'contacts.export': ['admin', 'manager', 'coordinator', 'staff'],
  // Coordinators import contacts of partners they own (checked row by row).
  'contacts.import': ['admin', 'manager', 'coordinator'],
  // Import batches: whoever imports sees their own (admins all); only admins undo one.
  'imports.read': ['admin', 'manager', 'coordinator'],
  'imports.undo': ['admin'],
  'interactions.read': ['admin', 'manager', 'coordinator'],
  'interactions.export': ['admin', 'manager', 'coordinator'],
  'interactions.create': ['admin', 'manager', 'coordinator'],
  // Deleting: managers/admins any; authors their own within 24 hours (checked by the service).
  'interactions.delete': ['admin', 'manager'],
  'interactions.delete.own': ['coordinator'],
  // Editing: managers/admins any interaction; others the ones they logged.
  'interactions.update': ['admin', 'manager'],
  'interactions.update.own': ['coordinator'],
  'followups.read': ['admin', 'manager', 'coordinator'],
  // Done/reschedule: managers/admins any follow-up; others those assigned to them or they logged.
  'followups.update': ['admin', 'manager'],
  'followups.update.own': ['coordinator'],
  'notifications.read': ['admin', 'manager', 'coordinator', 'complaint_officer', 'staff'],
  'events.read': ['admin', 'manager', 'coordinator', 'staff'],
  'events.write': ['admin', 'manager', 'coordinator'],
  'agreements.read': ['admin', 'manager', 'coordinator', 'staff'],
  // Staff, managers and admins export agreement lists (coordinators export partners and contacts).
  'agreements.export': ['admin', 'manager', 'staff'],
  'agreements.create': ['admin', 'manager', 'coordinator'],
  // Editing, stage changes, attachments, renewal: managers/admins any; coordinators those they own.
  'agreements.update': ['admin', 'manager'],
  'agreements.update.own': ['coordinator'],
  'agreements.metrics': ['admin', 'manager'],
  'plaques.read': ['admin', 'manager', 'coordinator', 'staff'],
  'plaques.export': ['admin', 'manager', 'staff'],
  'plaques.award': ['admin', 'manager', 'coordinator'],
  // Revoking: managers/admins any plaque; coordinators the plaques they awarded.
  'plaques.revoke': ['admin', 'manager'],
  'plaques.revoke.own': ['coordinator'],
  'cases.read': ['admin', 'manager', 'coordinator', 'complaint_officer'],
  'cases.create': ['admin', 'manager', 'coordinator', 'complaint_officer'],
  'cases.read_restricted': ['admin', 'manager'],
  // Officers export the cases they can read; complainant details are redacted row by row.
  'cases.export': ['admin', 'manager', 'complaint_officer'],
  // Working a case (acknowledge, assign, notes, status, transfer): officers on their desks' cases
  // (row scope in cases/case-access.ts), managers and admins on all.
  'cases.work': ['admin', 'manager', 'complaint_officer'],
  'cases.read_all': ['admin', 'manager'],
  'cases.reports': ['admin', 'manager'],
  'targets.read': ['admin', 'manager', 'coordinator', 'staff'],
  'targets.export': ['admin', 'manager', 'staff'],
  // My exports page and background downloads; each entity's export has its own action.
  'exports.use': ['admin', 'manager', 'coordinator', 'staff'],
  // Markets (create/edit) and CSV imports of actuals: managers and admins.
  'targets.write': ['admin', 'manager'],
  'targets.import': ['admin', 'manager'],
  // Monthly actuals: managers/admins on any market; a coordinator on markets they own.
  'targets.actuals': ['admin', 'manager'],
  'targets.actuals.own': ['coordinator'],
} as const satisfies Record<string, readonly Role[]>;

export type Action = keyof typeof TABLE;
export const ACTIONS = Object.keys(TABLE) as Action[];

export interface Actor {
  _id: { toString(): string };
  role: Role;
}

export function can(user: Pick<Actor, 'role'> | undefined | null, action: Action): boolean {
  if (!user) return false;
  return (TABLE[action] as readonly Role[]).includes(user.role);
}

/** Row scope: the full action, or its `.own` variant when the user owns the record. */
export function canOnRecord(
  user: Actor | undefined | null,
  action: Action,
  ownerId: { toString(): string } | null | undefined,
): boolean {
  if (!user) return false;
  if (can(user, action)) return true;
  const own = `${action}.own` as Action;
  return own in TABLE && can(user, own) && ownerId != null && ownerId.toString() === user._id.toString();
}

/**
 * Whether the user may attempt the action on some record: the action itself or its `.own`
 * variant. Route guards use this; services then check the record (canOnRecord).
 */
export function mayAttempt(user: Pick<Actor, 'role'> | undefined | null, action: Action): boolean {
  if (can(user, action)) return true;
  const own = `${action}.own` as Action;
  return own in TABLE && can(user, own);
}

export function rolesFor(action: Action): readonly Role[] {
  return TABLE[action];
}

export type AccessRule = { kind: 'public' } | { kind: 'signedIn' } | { kind: 'action'; action: Action };

/** A route guard carries its rule so tests can read every route's rule from the router. */
export type Guard = RequestHandler & { accessRule: AccessRule };

function guard(rule: AccessRule, handler: RequestHandler): Guard {
  return Object.assign(handler, { accessRule: rule });
}

function wantsHtml(req: Parameters<RequestHandler>[0]): boolean {
  return !req.path.startsWith('/api/') && req.accepts(['html', 'json']) === 'html';
}

function requireUser(req: Parameters<RequestHandler>[0], res: Parameters<RequestHandler>[1]): boolean {
  if (req.user) return true;
  if (wantsHtml(req) && req.method === 'GET') {
    res.redirect(`/login?next=${encodeURIComponent(req.originalUrl)}`);
  } else if (wantsHtml(req)) {
    res.redirect('/login');
  } else {
    res.status(401).json({ error: { code: 'unauthorized', message: 'Sign in required' } });
  }
  return false;
}

export const publicRoute: Guard = guard({ kind: 'public' }, (_req, _res, next) => next());

export const signedIn: Guard = guard({ kind: 'signedIn' }, (req, res, next) => {
  if (requireUser(req, res)) next();
});

export function allow(action: Action): Guard {
  return guard({ kind: 'action', action }, (req, res, next) => {
    if (!requireUser(req, res)) return;
    if (!mayAttempt(req.user, action)) {
      next(new ForbiddenError());
      return;
    }
    next();
  });
}
