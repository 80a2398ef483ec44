import { Schema, model, type InferSchemaType, type Types } from 'mongoose';
import { CASE_CATEGORIES, PRIORITIES, type CaseCategory, type Priority } from '../desks/index.js';
import { invalidateOnWrite } from '../../lib/short-cache.js';

export const CASE_CHANNELS = [
  'phone',
  'email',
  'wechat',
  'line',
  'walk_in',
  'partner_referral',
  'hotline',
] as const;
export type CaseChannel = (typeof CASE_CHANNELS)[number];

// Categories and priorities are the desks module's (routing rules and SLA policies use them).
export { CASE_CATEGORIES, type CaseCategory };
export const CASE_PRIORITIES = PRIORITIES;
export type CasePriority = Priority;

export const CASE_STATUSES = [
  'new',
  'triaged',
  'assigned',
  'in_progress',
  'awaiting_partner',
  'resolved',
  'closed',
  'reopened',
] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

/** Statuses in which the case still needs work (the backlog). */
export const OPEN_STATUSES: readonly CaseStatus[] = [
  'new',
  'triaged',
  'assigned',
  'in_progress',
  'awaiting_partner',
  'reopened',
];

export const RESOLUTION_CODES = [
  'refund',
  'compensation',
  'apology',
  'service_redone',
  'partner_sanctioned',
  'referred_authority',
  'no_fault_found',
  'withdrawn',
  'other',
] as const;
export type ResolutionCode = (typeof RESOLUTION_CODES)[number];

export const TIMELINE_KINDS = [
  'created',
  'routed',
  'acknowledged',
  'assigned',
  'status',
  'note',
  'partner_linked',
  'partner_contacted',
  'priority',
  'resolved',
  'closed',
  'reopened',
  'transferred',
  'breach',
] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];

export const NOTE_MAX = 5000;
export const DESCRIPTION_MAX = 10_000;
export const PARTNERS_MAX = 20;

const timelineEntrySchema = new Schema(
  {
    at: { type: Date, required: true },
    by: { type: Schema.Types.ObjectId, ref: 'User', default: null },
    kind: { type: String, required: true, enum: TIMELINE_KINDS },
    /** Notes: 'internal' (desk only) or 'external' (shared with complainant/partner). */
    visibility: { type: String, enum: ['internal', 'external', null], default: null },
    text: { type: String, default: null },
    from: { type: String, default: null },
    to: { type: String, default: null },
    /** Extra facts as strings (rule name, desk ids, partner id…): shown by the page. */
    meta: { type: Schema.Types.Mixed, default: null },
  },
  { _id: true },
);

const caseSchema = new Schema(
  {
    number: { type: String, required: true },
    year: { type: Number, required: true },
    channel: { type: String, required: true, enum: CASE_CHANNELS },
    // Restricted: shown only to desk members (current and past), managers and admins.
    complainant: {
      name: { type: String, required: true },
      contact: { type: String, default: '' },
      nationality: { type: String, default: '' },
    },
    originCountry: { type: String, required: true },
    incidentCountry: { type: String, required: true },
    incidentCity: { type: String, default: '' },
    incidentDate: { type: Date, required: true },
    /** "TH>CN": stored so reports group by country pair without string operators. */
    countryPair: { type: String, required: true },
    category: { type: String, required: true, enum: CASE_CATEGORIES },
    partners: { type: [Schema.Types.ObjectId], ref: 'Partner', default: [] },
    description: { type: String, required: true, maxlength: DESCRIPTION_MAX },
    priority: { type: String, required: true, enum: CASE_PRIORITIES },
    desk: { type: Schema.Types.ObjectId, ref: 'Desk', required: true },
    /** Desks the case was transferred away from: they keep read access to its history. */
    pastDesks: { type: [Schema.Types.ObjectId], ref: 'Desk', default: [] },
    assignee: { type: Schema.Types.ObjectId, ref: 'User', default: null },
    status: { type: String, required: true, enum: CASE_STATUSES, default: 'new' },
    loggedBy: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    timeline: { type: [timelineEntrySchema], default: [] },
    // Files the complainant or partner sent (stored in GridFS through lib/files).
    attachments: {
      type: [
        {
          fileId: { type: Schema.Types.ObjectId, required: true },
          filename: { type: String, required: true },
          contentType: { type: String, required: true },
          size: { type: Number, required: true },
          uploadedAt: { type: Date, required: true },
          by: { type: Schema.Types.ObjectId, ref: 'User', required: true },
        },
      ],
      default: [],
    },

    // SLA clocks. The resolve clock pauses while awaiting a partner: pausedAt marks the pause,
    // pausedMs the total paused so far (already added to resolveDueAt when the pause ended).
    ackDueAt: { type: Date, required: true },
    resolveDueAt: { type: Date, required: true },
    /** Intake time: the acknowledge window starts here. */
    openedAt: { type: Date, required: true },
    /** When the current resolve window started (intake, or the last reopening). */
    resolveStartedAt: { type: Date, required: true },
    /** The next deadline (ack while unacknowledged, else resolve): lists sort by it. */
    dueAt: { type: Date, required: true },
    /** When the running clock enters its last AT_RISK_SHARE (null when none runs). */
    atRiskAt: { type: Date, default: null },
    /** status is one of OPEN_STATUSES (derivedDue keeps it; the escalation job reads it). */
    open: { type: Boolean, default: true },
    acknowledgedAt: { type: Date, default: null },
    resolvedAt: { type: Date, default: null },
    closedAt: { type: Date, default: null },
    reopenedAt: { type: Date, default: null },
    pausedAt: { type: Date, default: null },
    pausedMs: { type: Number, default: 0 },
    ackBreached: { type: Boolean, default: false },
    resolveBreached: { type: Boolean, default: false },
    ackBreachedAt: { type: Date, default: null },
    resolveBreachedAt: { type: Date, default: null },
    // Report keys, written with the facts they derive from (FerretDB has no date operators).
    openedWeek: { type: String, required: true },
    resolvedWeek: { type: String, default: null },
    ackWithinSla: { type: Boolean, default: null },
    resolvedWithinSla: { type: Boolean, default: null },
    /** Working time from clock start to resolution, pauses excluded. */
    resolveMs: { type: Number, default: null },
    resolution: {
      code: { type: String, enum: [...RESOLUTION_CODES, null], default: null },
      text: { type: String, default: null },
    },
    /** Optimistic concurrency: every action is one update conditioned on the version it saw. */
    version: { type: Number, required: true, default: 1 },
  },
  { timestamps: true, collection: 'cases' },
);

caseSchema.index({ number: 1 }, { unique: true });
// Lists: scope (desk / assignee / logger / all) then due time.
caseSchema.index({ desk: 1, dueAt: 1, _id: 1 });
caseSchema.index({ pastDesks: 1, dueAt: 1, _id: 1 });
caseSchema.index({ assignee: 1, dueAt: 1, _id: 1 });
caseSchema.index({ loggedBy: 1, dueAt: 1, _id: 1 });
caseSchema.index({ status: 1, dueAt: 1, _id: 1 });
caseSchema.index({ dueAt: 1, _id: 1 });
caseSchema.index({ partners: 1, status: 1 });
// Escalation job.
caseSchema.index({ open: 1, ackBreached: 1, acknowledgedAt: 1, ackDueAt: 1 });
caseSchema.index({ open: 1, resolveBreached: 1, resolvedAt: 1, resolveDueAt: 1 });
caseSchema.index({ openedWeek: 1 });
caseSchema.index({ resolvedWeek: 1 });

export type TimelineEntry = InferSchemaType<typeof timelineEntrySchema> & { _id: Types.ObjectId };
export type ComplaintCase = Omit<InferSchemaType<typeof caseSchema>, 'timeline'> & {
  _id: Types.ObjectId;
  timeline: TimelineEntry[];
  createdAt: Date;
  updatedAt: Date;
};
// Dashboard tiles reading cases are cached for a minute; writes outdate them (lib/short-cache).
invalidateOnWrite(caseSchema, 'cases');

export const CaseModel = model('ComplaintCase', caseSchema);
