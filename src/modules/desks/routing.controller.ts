import type { Request, Response } from 'express';
import { countryName, countryOptions } from '../../lib/countries.js';
import { ConflictError } from '../../lib/errors.js';
import { flash } from '../../lib/flash.js';
import { renderPage } from '../../lib/views.js';
import { auditContext } from '../audit/index.js';
import { PARTNER_TYPES } from '../partners/index.js';
import { userNames } from '../users/index.js';
import { CASE_CATEGORIES } from './desk.model.js';
import type { RouteTestInput, RuleInput } from './desks.schemas.js';
import { deskNames, listDesks } from './desks.service.js';
import { ASSIGNMENT_MODES, type RoutingRule } from './routing-rule.model.js';
import * as routing from './routing.service.js';

const EMPTY_TEST: RouteTestInput = { incidentCountry: '', originCountry: '', category: '', partnerType: [] };

async function choices(res: Response): Promise<Record<string, unknown>> {
  return {
    countries: countryOptions(res.locals.locale),
    categories: CASE_CATEGORIES,
    partnerTypes: PARTNER_TYPES,
    modes: ASSIGNMENT_MODES,
    desks: await listDesks(),
  };
}

async function indexLocals(
  res: Response,
  test: RouteTestInput,
  tested: boolean,
): Promise<Record<string, unknown>> {
  const rules = await routing.orderedRules();
  const names = await deskNames(rules.map((r) => r.desk));
  const liveDesks = new Set((await listDesks()).map((d) => d._id.toHexString()));
  let explanation: routing.RouteExplanation | null = null;
  let noDefault = false;
  let assigneeName = '';
  if (tested) {
    try {
      explanation = await routing.explainRoute({
        incidentCountry: test.incidentCountry,
        originCountry: test.originCountry,
        category: test.category,
        partnerTypes: test.partnerType,
      });
      if (explanation.result.assignee) {
        const found = await userNames([explanation.result.assignee]);
        assigneeName = found.get(explanation.result.assignee.toHexString()) ?? '';
      }
    } catch (err) {
      // No rule matched and there is no default desk: the page says so.
      if (!(err instanceof ConflictError)) throw err;
      noDefault = true;
    }
  }
  const outcomes = new Map(explanation?.trace.map((s) => [s.rule._id.toHexString(), s.outcome]) ?? []);
  return {
    ...(await choices(res)),
    rules,
    deskNames: names,
    liveDesks,
    test,
    tested,
    explanation,
    outcomes,
    noDefault,
    assigneeName,
    countryName: (code: string) => countryName(code, res.locals.locale),
    title: res.locals.t('routing.title'),
  };
}

export async function index(_req: Request, res: Response): Promise<void> {
  await renderPage(res, 'admin/routing/index', await indexLocals(res, EMPTY_TEST, false));
}

/** "Test this rule set": the rule list with the sample case's path through it. Writes nothing. */
export async function test(req: Request, res: Response): Promise<void> {
  const input = req.valid.query as RouteTestInput;
  await renderPage(res, 'admin/routing/index', await indexLocals(res, input, true));
}

export async function formLocals(_req: Request, res: Response): Promise<Record<string, unknown>> {
  return { ...(await choices(res)), rule: null };
}

function formValues(rule: RoutingRule): Record<string, unknown> {
  return {
    name: rule.name,
    enabled: rule.enabled ? '1' : '',
    incidentCountry: rule.incidentCountry,
    originCountry: rule.originCountry,
    category: rule.category,
    partnerType: rule.partnerType,
    desk: rule.desk.toHexString(),
    assignment: rule.assignment,
  };
}

export async function newForm(req: Request, res: Response): Promise<void> {
  await renderPage(res, 'admin/routing/form', {
    ...(await formLocals(req, res)),
    values: {
      enabled: '1',
      assignment: 'none',
      incidentCountry: [],
      originCountry: [],
      category: [],
      partnerType: [],
    },
    errors: {},
    title: res.locals.t('routing.newTitle'),
  });
}

export async function create(req: Request, res: Response): Promise<void> {
  const rule = await routing.createRule(req.valid.body as RuleInput, auditContext(req));
  flash(req, 'success', res.locals.t('routing.created', { name: rule.name }));
  res.redirect('/admin/routing');
}

export async function editForm(req: Request, res: Response): Promise<void> {
  const { id } = req.valid.params as { id: string };
  const rule = await routing.findRule(id);
  await renderPage(res, 'admin/routing/form', {
    ...(await formLocals(req, res)),
    rule,
    values: formValues(rule),
    errors: {},
    title: res.locals.t('routing.editTitle'),
  });
}

export async function editLocals(req: Request, res: Response): Promise<Record<string, unknown>> {
  const { id } = req.valid.params as { id: string };
  return { ...(await formLocals(req, res)), rule: await routing.findRule(id) };
}

export async function update(req: Request, res: Response): Promise<void> {
  const { id } = req.valid.params as { id: string };
  const rule = await routing.updateRule(id, req.valid.body as RuleInput, auditContext(req));
  flash(req, 'success', res.locals.t('routing.updated', { name: rule.name }));
  res.redirect('/admin/routing');
}

export async function move(req: Request, res: Response): Promise<void> {
  const { id } = req.valid.params as { id: string };
  const { direction } = req.valid.body as { direction: 'up' | 'down' };
  await routing.moveRule(id, direction, auditContext(req));
  res.redirect(`/admin/routing#rule-${id}`);
}

export async function enable(req: Request, res: Response): Promise<void> {
  const { id } = req.valid.params as { id: string };
  const rule = await routing.setRuleEnabled(id, true, auditContext(req));
  flash(req, 'success', res.locals.t('routing.enabledMsg', { name: rule.name }));
  res.redirect('/admin/routing');
}

export async function disable(req: Request, res: Response): Promise<void> {
  const { id } = req.valid.params as { id: string };
  const rule = await routing.setRuleEnabled(id, false, auditContext(req));
  flash(req, 'success', res.locals.t('routing.disabledMsg', { name: rule.name }));
  res.redirect('/admin/routing');
}

export async function remove(req: Request, res: Response): Promise<void> {
  const { id } = req.valid.params as { id: string };
  const rule = await routing.deleteRule(id, auditContext(req));
  flash(req, 'success', res.locals.t('routing.deleted', { name: rule.name }));
  res.redirect('/admin/routing');
}
