import { Types } from 'mongoose';
import { ConflictError, NotFoundError, ValidationError } from '../../lib/errors.js';
import { diffFields, recordAudit, type AuditContext } from '../audit/index.js';
import { openCasesByUser } from './case-counter.js';
import { DeskModel, type Desk } from './desk.model.js';
import { defaultDesk, deskOfficers } from './desks.service.js';
import type { RuleInput } from './desks.schemas.js';
import { RoutingRuleModel, type RoutingRule } from './routing-rule.model.js';

export interface CaseFacts {
  incidentCountry: string;
  originCountry: string;
  category: string;
  partnerTypes: string[];
}

export interface RouteResult {
  desk: Desk;
  assignee: Types.ObjectId | null;
  rule: { _id: Types.ObjectId; name: string } | null;
}

type Criteria = Pick<RoutingRule, 'incidentCountry' | 'originCountry' | 'category' | 'partnerType'>;

/** Every non-empty criterion must contain the fact; partner type matches if any involved partner has it. */
export function ruleMatches(rule: Criteria, facts: CaseFacts): boolean {
  const has = (list: string[], value: string) => !list.length || list.includes(value);
  return (
    has(rule.incidentCountry, facts.incidentCountry) &&
    has(rule.originCountry, facts.originCountry) &&
    has(rule.category, facts.category) &&
    (!rule.partnerType.length || facts.partnerTypes.some((t) => rule.partnerType.includes(t)))
  );
}

export async function orderedRules(): Promise<RoutingRule[]> {
  return RoutingRuleModel.find({}).sort({ position: 1, _id: 1 }).lean<RoutingRule[]>();
}

/**
 * The active complaint officer of the desk with the fewest open cases (ties: by name, then id),
 * or null when the desk has none.
 */
export async function leastOpenOfficer(desk: Pick<Desk, '_id'>): Promise<Types.ObjectId | null> {
  const officers = await deskOfficers(desk._id);
  if (!officers.length) return null;
  const counts = await openCasesByUser(
    desk._id,
    officers.map((o) => o._id),
  );
  let best = officers[0]!;
  for (const o of officers) {
    if ((counts.get(o._id.toHexString()) ?? 0) < (counts.get(best._id.toHexString()) ?? 0)) best = o;
  }
  return best._id;
}

export type RuleOutcome = 'matched' | 'no_match' | 'disabled' | 'desk_archived' | 'not_reached';

export interface RouteExplanation {
  trace: { rule: RoutingRule; outcome: RuleOutcome }[];
  result: RouteResult;
}

/**
 * Routes a case and says why: every rule in order with what happened to it. The first enabled
 * rule that matches and whose desk is live wins; otherwise the default desk, unassigned.
 * Throws a conflict when no rule matches and no default desk exists.
 */
export async function explainRoute(facts: CaseFacts): Promise<RouteExplanation> {
  const rules = await orderedRules();
  const trace: RouteExplanation['trace'] = [];
  let result: RouteResult | null = null;
  for (const rule of rules) {
    if (result) {
      trace.push({ rule, outcome: 'not_reached' });
      continue;
    }
    if (!rule.enabled) {
      trace.push({ rule, outcome: 'disabled' });
      continue;
    }
    if (!ruleMatches(rule, facts)) {
      trace.push({ rule, outcome: 'no_match' });
      continue;
    }
    const desk = await DeskModel.findOne({ _id: rule.desk, archivedAt: null }).lean<Desk>();
    if (!desk) {
      trace.push({ rule, outcome: 'desk_archived' });
      continue;
    }
    trace.push({ rule, outcome: 'matched' });
    const assignee = rule.assignment === 'least_open' ? await leastOpenOfficer(desk) : null;
    result = { desk, assignee, rule: { _id: rule._id, name: rule.name } };
  }
  if (!result) {
    const desk = await defaultDesk();
    if (!desk) throw new ConflictError('desks.noDefault');
    result = { desk, assignee: null, rule: null };
  }
  return { trace, result };
}

/** Where a case with these facts goes: desk, assignee (least-open mode) and the rule that did it. */
export async function routeCase(facts: CaseFacts): Promise<RouteResult> {
  return (await explainRoute(facts)).result;
}

const RULE_FIELDS = [
  'name',
  'enabled',
  'incidentCountry',
  'originCountry',
  'category',
  'partnerType',
  'desk',
  'assignment',
] as const;

export async function findRule(id: string | Types.ObjectId): Promise<RoutingRule> {
  if (!Types.ObjectId.isValid(String(id))) throw new NotFoundError();
  const rule = await RoutingRuleModel.findById(id).lean<RoutingRule>();
  if (!rule) throw new NotFoundError();
  return rule;
}

async function ruleDoc(input: RuleInput) {
  const desk = await DeskModel.exists({ _id: new Types.ObjectId(input.desk), archivedAt: null });
  if (!desk) throw new ValidationError({ desk: 'routing.badDesk' });
  const unique = (list: string[]) => [...new Set(list)];
  return {
    name: input.name,
    enabled: input.enabled === '1',
    incidentCountry: unique(input.incidentCountry),
    originCountry: unique(input.originCountry),
    category: unique(input.category),
    partnerType: unique(input.partnerType),
    desk: new Types.ObjectId(input.desk),
    assignment: input.assignment,
  };
}

/** New rules go to the end of the list. */
export async function createRule(input: RuleInput, ctx: AuditContext): Promise<RoutingRule> {
  const doc = await ruleDoc(input);
  const last = await RoutingRuleModel.findOne({}, { position: 1 }).sort({ position: -1 }).lean();
  const created = await RoutingRuleModel.create({ ...doc, position: (last?.position ?? 0) + 1 });
  const rule = await findRule(created._id);
  await recordAudit(ctx, {
    action: 'routing_rule.create',
    entity: 'routing_rule',
    entityId: rule._id,
    changes: diffFields(null, rule, [...RULE_FIELDS, 'position']),
  });
  return rule;
}

export async function updateRule(id: string, input: RuleInput, ctx: AuditContext): Promise<RoutingRule> {
  const before = await findRule(id);
  await RoutingRuleModel.updateOne({ _id: before._id }, { $set: await ruleDoc(input) });
  const after = await findRule(id);
  const changes = diffFields(before, after, RULE_FIELDS);
  if (changes.length) {
    await recordAudit(ctx, { action: 'routing_rule.update', entity: 'routing_rule', entityId: id, changes });
  }
  return after;
}

export async function setRuleEnabled(id: string, enabled: boolean, ctx: AuditContext): Promise<RoutingRule> {
  const before = await findRule(id);
  if (before.enabled === enabled) return before;
  await RoutingRuleModel.updateOne({ _id: before._id }, { $set: { enabled } });
  const after = await findRule(id);
  await recordAudit(ctx, {
    action: enabled ? 'routing_rule.enable' : 'routing_rule.disable',
    entity: 'routing_rule',
    entityId: id,
    changes: diffFields(before, after, ['enabled']),
  });
  return after;
}

export async function deleteRule(id: string, ctx: AuditContext): Promise<RoutingRule> {
  const rule = await findRule(id);
  await RoutingRuleModel.deleteOne({ _id: rule._id });
  await recordAudit(ctx, {
    action: 'routing_rule.delete',
    entity: 'routing_rule',
    entityId: id,
    changes: diffFields(rule, {}, [...RULE_FIELDS, 'position']),
  });
  return rule;
}

/** Swaps the rule with its neighbour above or below; at either end nothing changes. */
export async function moveRule(
  id: string,
  direction: 'up' | 'down',
  ctx: AuditContext,
): Promise<RoutingRule> {
  const rule = await findRule(id);
  const rules = await orderedRules();
  const index = rules.findIndex((r) => r._id.equals(rule._id));
  const otherIndex = direction === 'up' ? index - 1 : index + 1;
  const other = rules[otherIndex];
  if (index < 0 || !other) return rule;
  // Positions are renumbered 1..n first so equal or sparse positions still swap cleanly.
  const order = rules.map((r) => r._id);
  order[index] = other._id;
  order[otherIndex] = rule._id;
  for (const [i, ruleId] of order.entries()) {
    const wanted = i + 1;
    const current = rules.find((r) => r._id.equals(ruleId))!;
    if (current.position !== wanted)
      await RoutingRuleModel.updateOne({ _id: ruleId }, { $set: { position: wanted } });
  }
  await recordAudit(ctx, {
    action: 'routing_rule.move',
    entity: 'routing_rule',
    entityId: id,
    changes: [{ field: 'position', before: index + 1, after: otherIndex + 1 }],
    meta: { direction, swappedWith: other._id.toHexString() },
  });
  return findRule(id);
}
