import { randomBytes } from 'node:crypto';
import type { Types } from 'mongoose';
import {
  DeskModel,
  deskNameKey,
  RoutingRuleModel,
  type AssignmentMode,
  type Desk,
  type RoutingRule,
  type SlaPolicy,
} from '../../src/modules/desks/index.js';
import { UserModel } from '../../src/modules/users/index.js';

export const TEST_SLA: SlaPolicy = {
  low: { ackHours: 48, resolveHours: 240 },
  normal: { ackHours: 24, resolveHours: 120 },
  high: { ackHours: 8, resolveHours: 72 },
  urgent: { ackHours: 2, resolveHours: 24 },
};

export interface DeskOverrides {
  name?: string;
  timeZone?: string;
  lead?: Types.ObjectId | null;
  isDefault?: boolean;
  sla?: SlaPolicy;
  archivedAt?: Date | null;
  raiseOnBreach?: boolean;
  /** Users added to the desk (their `desks` gets this desk). */
  members?: { _id: Types.ObjectId }[];
}

let seq = 0;

export function buildDesk(overrides: DeskOverrides = {}) {
  seq += 1;
  const name = overrides.name ?? `Test desk ${seq}${randomBytes(2).toString('hex')}`;
  return {
    name,
    nameKey: deskNameKey(name),
    timeZone: overrides.timeZone ?? 'Asia/Shanghai',
    lead: overrides.lead ?? null,
    isDefault: overrides.isDefault ?? false,
    sla: overrides.sla ?? TEST_SLA,
    archivedAt: overrides.archivedAt ?? null,
    raiseOnBreach: overrides.raiseOnBreach ?? false,
  };
}

/** Inserts a desk directly; members get the desk added to their `desks`. */
export async function createDesk(overrides: DeskOverrides = {}): Promise<Desk> {
  const created = await DeskModel.create(buildDesk(overrides));
  for (const m of overrides.members ?? []) {
    await UserModel.updateOne({ _id: m._id }, { $addToSet: { desks: created._id } });
  }
  return created.toObject() as Desk;
}

export interface RuleOverrides {
  name?: string;
  position?: number;
  enabled?: boolean;
  incidentCountry?: string[];
  originCountry?: string[];
  category?: string[];
  partnerType?: string[];
  assignment?: AssignmentMode;
}

/** Inserts a rule for the desk; without a position it goes after the existing ones. */
export async function createRule(
  desk: { _id: Types.ObjectId },
  overrides: RuleOverrides = {},
): Promise<RoutingRule> {
  seq += 1;
  const position =
    overrides.position ??
    ((await RoutingRuleModel.findOne({}, { position: 1 }).sort({ position: -1 }).lean())?.position ?? 0) + 1;
  const created = await RoutingRuleModel.create({
    name: `Rule ${seq}`,
    enabled: true,
    incidentCountry: [],
    originCountry: [],
    category: [],
    partnerType: [],
    assignment: 'none',
    ...overrides,
    position,
    desk: desk._id,
  });
  return created.toObject() as RoutingRule;
}
