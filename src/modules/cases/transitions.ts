import type { CaseStatus } from './case.model.js';

/**
 * The one table of allowed status changes (SPEC: new → triaged → assigned → in_progress ⇄
 * awaiting_partner → resolved → closed; reopened). Resolving needs a resolution, closing a
 * resolved case, reopening a resolved or closed one within REOPEN_WINDOW_MS: the service checks
 * those; this table only says which moves exist.
 */
export const TRANSITIONS: Readonly<Record<CaseStatus, readonly CaseStatus[]>> = {
  new: ['triaged', 'assigned'],
  triaged: ['assigned'],
  assigned: ['in_progress'],
  in_progress: ['awaiting_partner', 'resolved'],
  awaiting_partner: ['in_progress', 'resolved'],
  resolved: ['closed', 'reopened'],
  closed: ['reopened'],
  reopened: ['assigned', 'in_progress'],
};

export const REOPEN_WINDOW_MS = 30 * 24 * 60 * 60_000;

export function canTransition(from: CaseStatus, to: CaseStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Moves the generic "change status" form offers (the others have their own actions). */
export const PLAIN_STATUS_MOVES: readonly CaseStatus[] = ['triaged', 'in_progress', 'awaiting_partner'];

export function statusChoices(from: CaseStatus): CaseStatus[] {
  return TRANSITIONS[from].filter((s) => PLAIN_STATUS_MOVES.includes(s));
}
