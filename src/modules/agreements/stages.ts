/**
 * The agreement pipeline as one pure table: which stage may follow which, and what each move
 * needs. Services, forms and the expiry job all ask this file; tests walk every (from, to) pair.
 */
export const STAGES = [
  'lead',
  'negotiation',
  'review',
  'signed',
  'active',
  'expired',
  'terminated',
  'withdrawn',
] as const;
export type Stage = (typeof STAGES)[number];

/** Stages an agreement can still leave; the others are final (a renewal starts a new agreement). */
export const OPEN_STAGES = ['lead', 'negotiation', 'review', 'signed', 'active'] as const;
export const TERMINAL_STAGES = ['expired', 'terminated', 'withdrawn'] as const;
/** Stages before signature: the expected sign date matters here. */
export const UNSIGNED_STAGES = ['lead', 'negotiation', 'review'] as const;
/** Stages at or after signature: signedAt is set. */
export const SIGNED_STAGES = ['signed', 'active', 'expired', 'terminated'] as const;
/** Stages whose time-in-stage is watched for ageing (active agreements run for years by design). */
export const AGEING_STAGES = ['lead', 'negotiation', 'review', 'signed'] as const;

/** The forward path; its order defines "backwards". */
const PATH: readonly Stage[] = ['lead', 'negotiation', 'review', 'signed', 'active', 'expired'];

export const TRANSITIONS: Readonly<Record<Stage, readonly Stage[]>> = {
  lead: ['negotiation', 'withdrawn'],
  negotiation: ['review', 'lead', 'withdrawn'],
  review: ['signed', 'negotiation', 'withdrawn'],
  signed: ['active', 'review', 'expired', 'terminated'],
  active: ['expired', 'terminated', 'signed'],
  expired: [],
  terminated: [],
  withdrawn: [],
};

export function isStage(value: unknown): value is Stage {
  return typeof value === 'string' && (STAGES as readonly string[]).includes(value);
}

export function isTerminal(stage: Stage): boolean {
  return (TERMINAL_STAGES as readonly string[]).includes(stage);
}

export function allowedNext(from: Stage): readonly Stage[] {
  return TRANSITIONS[from];
}

export function isAllowed(from: Stage, to: Stage): boolean {
  return TRANSITIONS[from].includes(to);
}

/** A move back along the path (review → negotiation, active → signed…). */
export function isBackward(from: Stage, to: Stage): boolean {
  const a = PATH.indexOf(from);
  const b = PATH.indexOf(to);
  return a >= 0 && b >= 0 && b < a;
}

/** Moves that need a note: backwards, and ending an agreement early (the reason is kept). */
export function needsNote(from: Stage, to: Stage): boolean {
  return isBackward(from, to) || to === 'terminated' || to === 'withdrawn';
}

export interface TransitionInput {
  note: string | null;
  signedAt: Date | null;
  effectiveFrom: Date | null;
  expiresAt: Date | null;
}

/** Field → translation key of what is wrong. */
export type TransitionErrors = Partial<
  Record<'to' | 'note' | 'signedAt' | 'effectiveFrom' | 'expiresAt', string>
>;

/**
 * Checks one move. `values` are the agreement's dates after the move (what the form sent,
 * falling back to what is stored); `today` is the calendar day (UTC midnight) in the office's zone.
 */
export function checkTransition(
  from: Stage,
  to: Stage,
  values: TransitionInput,
  today: Date,
): TransitionErrors {
  const errors: TransitionErrors = {};
  if (from === to) return { to: 'agreements.errors.sameStage' };
  if (isTerminal(from)) return { to: 'agreements.errors.terminal' };
  if (!isAllowed(from, to)) return { to: 'agreements.errors.illegalMove' };
  if (needsNote(from, to) && !values.note?.trim()) errors.note = 'agreements.errors.noteRequired';
  const needsSigned = (SIGNED_STAGES as readonly string[]).includes(to);
  if (needsSigned) {
    if (!values.signedAt) errors.signedAt = 'agreements.errors.signedAtRequired';
    // The date is recorded on entering signed; later moves keep the stored one.
    else if (to === 'signed' && values.signedAt.getTime() > today.getTime())
      errors.signedAt = 'agreements.errors.signedInFuture';
  }
  if (to === 'active') {
    if (!values.effectiveFrom) errors.effectiveFrom = 'agreements.errors.effectiveFromRequired';
    if (!values.expiresAt) errors.expiresAt = 'agreements.errors.expiresAtRequired';
    else if (values.effectiveFrom && values.expiresAt.getTime() <= values.effectiveFrom.getTime())
      errors.expiresAt = 'agreements.errors.endBeforeStart';
  }
  if (to === 'expired') {
    // An agreement expires once its last day has passed, never before.
    if (!values.expiresAt) errors.expiresAt = 'agreements.errors.expiresAtRequired';
    else if (values.expiresAt.getTime() >= today.getTime())
      errors.expiresAt = 'agreements.errors.notYetExpired';
  }
  return errors;
}

/**
 * What the stored dates must satisfy in a stage (edits keep these true): signedAt from signed
 * on, a start and a later end while active.
 */
export function checkStageInvariants(stage: Stage, values: Omit<TransitionInput, 'note'>): TransitionErrors {
  const errors: TransitionErrors = {};
  if ((SIGNED_STAGES as readonly string[]).includes(stage) && !values.signedAt)
    errors.signedAt = 'agreements.errors.signedAtRequired';
  if (stage === 'active') {
    if (!values.effectiveFrom) errors.effectiveFrom = 'agreements.errors.effectiveFromRequired';
    if (!values.expiresAt) errors.expiresAt = 'agreements.errors.expiresAtRequired';
  }
  if (
    values.effectiveFrom &&
    values.expiresAt &&
    values.expiresAt.getTime() <= values.effectiveFrom.getTime()
  )
    errors.expiresAt = 'agreements.errors.endBeforeStart';
  return errors;
}
