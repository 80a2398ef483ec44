import type { Types } from 'mongoose';
import { ConflictError } from '../../lib/errors.js';
import { openCasesByUser } from './case-counter.js';
import { DeskModel, type Desk } from './desk.model.js';
import { defaultDesk, deskOfficers } from './desks.service.js';
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

/**
 * Routes a case: the first enabled rule (in order) that matches and whose desk is live wins;
 * otherwise the default desk, unassigned. Throws a conflict when no default desk exists.
 */
export async function routeCase(facts: CaseFacts): Promise<RouteResult> {
  const rules = (await orderedRules()).filter((r) => r.enabled);
  for (const rule of rules) {
    if (!ruleMatches(rule, facts)) continue;
    const desk = await DeskModel.findOne({ _id: rule.desk, archivedAt: null }).lean<Desk>();
    if (!desk) continue;
    const assignee = rule.assignment === 'least_open' ? await leastOpenOfficer(desk) : null;
    return { desk, assignee, rule: { _id: rule._id, name: rule.name } };
  }
  const desk = await defaultDesk();
  if (!desk) throw new ConflictError('desks.noDefault');
  return { desk, assignee: null, rule: null };
}
