import type { Types } from 'mongoose';
import { can } from '../../lib/permissions.js';
import type { ComplaintCase } from './case.model.js';

type Viewer = Pick<Express.User, '_id' | 'role' | 'desks'>;
type Scoped = Pick<ComplaintCase, 'desk' | 'pastDesks' | 'loggedBy'>;

export interface CaseAccess {
  /** May open the case page. */
  read: boolean;
  /** May act on it (acknowledge, assign, notes, status, transfer…). */
  work: boolean;
  /** May see the complainant's name, contact and nationality (and internal notes). */
  restricted: boolean;
  /** Member of the current desk. */
  currentDesk: boolean;
  /** Reads restricted details without being on one of the case's desks: audited. */
  outsideDesks: boolean;
}

const has = (list: readonly Types.ObjectId[] | undefined, id: Types.ObjectId | null | undefined) =>
  id != null && (list ?? []).some((d) => d.equals(id));

/**
 * Row scope of a case, in one place: complaint officers work the cases of their desks and read
 * those of desks they were transferred from; managers and admins read and work all; anyone who
 * may log cases reads the ones they logged. Complainant details: current and past desk members,
 * managers and admins.
 */
export function caseAccess(user: Viewer | null | undefined, c: Scoped): CaseAccess {
  const none = { read: false, work: false, restricted: false, currentDesk: false, outsideDesks: false };
  if (!user || !can(user, 'cases.read')) return none;
  const currentDesk = has(user.desks, c.desk);
  const pastDesk = c.pastDesks.some((d) => has(user.desks, d));
  const all = can(user, 'cases.read_all');
  const officer = can(user, 'cases.work');
  const logged = c.loggedBy.equals(user._id);
  const read = all || (officer && (currentDesk || pastDesk)) || logged;
  const restricted = currentDesk || pastDesk || can(user, 'cases.read_restricted');
  return {
    read,
    work: officer && (all || currentDesk),
    restricted: read && restricted,
    currentDesk,
    outsideDesks: read && restricted && !currentDesk && !pastDesk,
  };
}
