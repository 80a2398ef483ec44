import type { Request, Response } from 'express';
import { barChart } from '../../lib/charts.js';
import { countryName, countryOptions } from '../../lib/countries.js';
import { objectIds } from '../../lib/db/index.js';
import { flash } from '../../lib/flash.js';
import { toLocalDay } from '../../lib/local-time.js';
import { can } from '../../lib/permissions.js';
import { renderPage } from '../../lib/views.js';
import { attachmentHeader } from '../../middleware/uploads.js';
import { attachToCase, openCaseAttachment } from './case-attachments.service.js';
import { auditContext } from '../audit/index.js';
import { deskMemberIds, deskNames, listDesks } from '../desks/index.js';
import { partnerNames, searchPartners } from '../partners/index.js';
import * as actions from './case-actions.service.js';
import { caseSla } from './case-clock.js';
import {
  CASE_CATEGORIES,
  CASE_CHANNELS,
  CASE_PRIORITIES,
  CASE_STATUSES,
  RESOLUTION_CODES,
  type CasePriority,
  type CaseStatus,
  type ComplaintCase,
} from './case.model.js';
import {
  BREACH_FILTERS,
  CASE_SCOPES,
  type CaseListQuery,
  type IntakeInput,
  type ReportQuery,
} from './cases.schemas.js';
import * as cases from './cases.service.js';
import { BACKLOG_BUCKETS, caseReport } from './reports.service.js';
import { statusChoices, TRANSITIONS } from './transitions.js';

const PARTNER_SEARCH_LIMIT = 20;

function choices(res: Response) {
  return {
    channels: CASE_CHANNELS,
    categories: CASE_CATEGORIES,
    priorities: CASE_PRIORITIES,
    countries: countryOptions(res.locals.locale),
  };
}

/** The intake form's locals: chosen partners by name and, after "Search", the matches. */
export async function intakeLocals(req: Request, res: Response): Promise<Record<string, unknown>> {
  const body = (req.body ?? {}) as Record<string, unknown>;
  const chosenIds = objectIds([].concat((body.partners as never) ?? []));
  const pq = typeof body.pq === 'string' ? body.pq.trim().slice(0, 100) : '';
  const [chosen, found] = await Promise.all([
    partnerNames(chosenIds),
    pq ? searchPartners(pq, PARTNER_SEARCH_LIMIT) : Promise.resolve(null),
  ]);
  return {
    ...choices(res),
    chosenPartners: [...chosen.values()],
    candidates: found ? found.filter((p) => !chosen.has(p._id.toHexString())) : null,
    maxIncidentDate: toLocalDay(new Date(), req.user!.timeZone),
  };
}

export async function newForm(req: Request, res: Response): Promise<void> {
  await renderPage(res, 'cases/new', {
    ...(await intakeLocals(req, res)),
    values: { priority: 'normal', incidentDate: toLocalDay(new Date(), req.user!.timeZone) },
    errors: {},
    title: res.locals.t('cases.newTitle'),
  });
}

export async function create(req: Request, res: Response): Promise<void> {
  const input = req.valid.body as IntakeInput;
  if (input.intent === 'search') {
    await renderPage(res, 'cases/new', {
      ...(await intakeLocals(req, res)),
      values: req.body as Record<string, unknown>,
      errors: {},
      title: res.locals.t('cases.newTitle'),
    });
    return;
  }
  const c = await cases.createCase(input, req.user!, auditContext(req), { timeZone: req.user!.timeZone });
  if (req.upload) await attachToCase(c._id, req.upload, req.user!, auditContext(req));
  flash(req, 'success', res.locals.t('cases.created', { number: c.number }));
  res.redirect(`/cases/${c._id.toHexString()}`);
}

export async function index(req: Request, res: Response): Promise<void> {
  const query = req.valid.query as CaseListQuery;
  const now = new Date();
  const page = await cases.listCases(query, req.user!, now);
  const [desks, deskLabels, users] = await Promise.all([
    listDesks({ includeArchived: true }),
    deskNames(page.rows.map((r) => r.desk)),
    cases.userLabels(page.rows.map((r) => r.assignee)),
  ]);
  const scopes = CASE_SCOPES.filter((s) => {
    if (s === 'all') return can(req.user, 'cases.read_all');
    if (s === 'mine' || s === 'desks') return can(req.user, 'cases.work');
    return true;
  });
  await renderPage(res, 'cases/index', {
    page,
    query: { ...query, scope: page.scope },
    rows: page.rows.map((r) => ({ ...r, sla: caseSla(r, now) })),
    scopes,
    desks,
    deskLabels,
    users,
    statuses: CASE_STATUSES,
    breaches: BREACH_FILTERS,
    ...choices(res),
    canCreate: can(req.user, 'cases.create'),
    canReport: can(req.user, 'cases.reports'),
    title: res.locals.t('cases.title'),
  });
}

/** Everything the case page shows; also re-shows it (with field errors) after a refused action. */
export async function showLocals(req: Request, res: Response): Promise<Record<string, unknown>> {
  const { id } = req.valid.params as { id: string };
  const user = req.user!;
  const { c, access } = await cases.findCaseFor(id, user);
  const pq = typeof req.query.pq === 'string' ? req.query.pq.trim().slice(0, 100) : '';
  const timeline = c.timeline
    .filter((e) => access.restricted || e.visibility !== 'internal')
    .slice()
    .reverse();
  const userIds = [
    c.assignee,
    c.loggedBy,
    ...timeline.flatMap((e) => [
      e.by,
      e.kind === 'assigned' ? e.from : null,
      e.kind === 'assigned' ? e.to : null,
    ]),
  ];
  const deskIds = [
    c.desk,
    ...c.pastDesks,
    ...timeline.flatMap((e) => (e.kind === 'transferred' ? [e.from, e.to] : [])),
  ];
  const [users, desks, partners, members, allDesks, found] = await Promise.all([
    cases.userLabels(userIds),
    deskNames(deskIds),
    partnerNames(c.partners),
    access.work ? deskMemberIds(c.desk) : Promise.resolve([]),
    access.work ? listDesks() : Promise.resolve([]),
    access.work && pq ? searchPartners(pq, PARTNER_SEARCH_LIMIT) : Promise.resolve(null),
  ]);
  const memberNames = await cases.userLabels(members);
  const now = new Date();
  return {
    c,
    access,
    complainant: access.restricted ? c.complainant : null,
    sla: caseSla(c, now),
    timeline,
    users,
    desks,
    partners: c.partners.map((p) => partners.get(p.toHexString())).filter((p) => p !== undefined),
    members: members
      .map((m) => ({ _id: m, name: memberNames.get(m.toHexString()) ?? '' }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    transferDesks: allDesks.filter((d) => !d._id.equals(c.desk)),
    candidates: found ? found.filter((p) => !c.partners.some((q) => q.equals(p._id))) : null,
    pq,
    statusMoves: statusChoices(c.status),
    canResolve: TRANSITIONS[c.status].includes('resolved'),
    canClose: TRANSITIONS[c.status].includes('closed'),
    canReopen: TRANSITIONS[c.status].includes('reopened'),
    priorities: CASE_PRIORITIES,
    resolutionCodes: RESOLUTION_CODES,
    countryName: (code: string) => countryName(code, res.locals.locale),
    values: {},
    errors: {},
    title: c.number,
  };
}

export async function show(req: Request, res: Response): Promise<void> {
  const locals = await showLocals(req, res);
  await cases.auditRestrictedView(
    locals.c as ComplaintCase,
    locals.access as Parameters<typeof cases.auditRestrictedView>[1],
    auditContext(req),
  );
  await renderPage(res, 'cases/show', locals);
}

type Body = { version: number } & Record<string, unknown>;

function done(req: Request, res: Response, c: ComplaintCase, key: string): void {
  flash(req, 'success', res.locals.t(key, { number: c.number }));
  res.redirect(`/cases/${c._id.toHexString()}`);
}

const idOf = (req: Request) => (req.valid.params as { id: string }).id;
const bodyOf = (req: Request) => req.valid.body as Body;
const opts = (req: Request) => ({ version: bodyOf(req).version });

export async function acknowledge(req: Request, res: Response): Promise<void> {
  const c = await actions.acknowledgeCase(idOf(req), req.user!, auditContext(req), opts(req));
  done(req, res, c, 'cases.done.acknowledged');
}

export async function assign(req: Request, res: Response): Promise<void> {
  const c = await actions.assignCase(
    idOf(req),
    String(bodyOf(req).assignee),
    req.user!,
    auditContext(req),
    opts(req),
  );
  done(req, res, c, 'cases.done.assigned');
}

export async function status(req: Request, res: Response): Promise<void> {
  const to = bodyOf(req).status as CaseStatus;
  const c = await actions.changeStatus(idOf(req), to, req.user!, auditContext(req), opts(req));
  done(req, res, c, 'cases.done.status');
}

export async function note(req: Request, res: Response): Promise<void> {
  const body = bodyOf(req);
  const c = await actions.addNote(
    idOf(req),
    {
      note: String(body.note),
      visibility: body.visibility as 'internal' | 'external',
      partnerContacted: body.partnerContacted === '1',
    },
    req.user!,
    auditContext(req),
    opts(req),
  );
  done(req, res, c, 'cases.done.note');
}

export async function linkPartners(req: Request, res: Response): Promise<void> {
  const c = await actions.linkPartners(
    idOf(req),
    bodyOf(req).partners as string[],
    req.user!,
    auditContext(req),
    opts(req),
  );
  done(req, res, c, 'cases.done.partners');
}

export async function priority(req: Request, res: Response): Promise<void> {
  const p = bodyOf(req).priority as CasePriority;
  const c = await actions.changePriority(idOf(req), p, req.user!, auditContext(req), opts(req));
  done(req, res, c, 'cases.done.priority');
}

export async function resolve(req: Request, res: Response): Promise<void> {
  const body = bodyOf(req) as Body & {
    resolutionCode: (typeof RESOLUTION_CODES)[number];
    resolutionText: string;
  };
  const c = await actions.resolveCase(idOf(req), body, req.user!, auditContext(req), opts(req));
  done(req, res, c, 'cases.done.resolved');
}

export async function close(req: Request, res: Response): Promise<void> {
  const c = await actions.closeCase(idOf(req), req.user!, auditContext(req), opts(req));
  done(req, res, c, 'cases.done.closed');
}

export async function reopen(req: Request, res: Response): Promise<void> {
  const c = await actions.reopenCase(
    idOf(req),
    String(bodyOf(req).reason),
    req.user!,
    auditContext(req),
    opts(req),
  );
  done(req, res, c, 'cases.done.reopened');
}

export async function transfer(req: Request, res: Response): Promise<void> {
  const body = bodyOf(req) as Body & { toDesk: string; transferNote: string };
  const c = await actions.transferCase(idOf(req), body, req.user!, auditContext(req), opts(req));
  done(req, res, c, 'cases.done.transferred');
}

export async function reports(req: Request, res: Response): Promise<void> {
  const query = req.valid.query as ReportQuery;
  // Weeks are the alliance's (the zone the stored week keys use), whoever looks.
  const report = await caseReport(query, new Date());
  const [desks, partners] = await Promise.all([
    deskNames([...report.ackSla, ...report.resolveSla].map((r) => r.desk)),
    partnerNames(report.topPartners.map((p) => p.partner)),
  ]);
  const t = res.locals.t;
  const weekChart = barChart({
    title: t('cases.reports.perWeek'),
    // "09-21": twelve or more full dates would overlap under the bars.
    labels: report.openedPerWeek.map((w) => w.week.slice(5)),
    series: [
      { label: t('cases.reports.opened'), values: report.openedPerWeek.map((w) => w.opened) },
      { label: t('cases.reports.resolved'), values: report.openedPerWeek.map((w) => w.resolved) },
    ],
    yLabel: t('cases.reports.count'),
  });
  const backlogChart = barChart({
    title: t('cases.reports.backlog'),
    labels: report.backlog.map((b) => t(`cases.reports.buckets.${b.key}`)),
    series: [{ label: t('cases.reports.count'), values: report.backlog.map((b) => b.n) }],
    yLabel: t('cases.reports.count'),
  });
  await renderPage(res, 'cases/reports', {
    report,
    weekChart,
    backlogChart,
    query,
    desks,
    partners,
    buckets: BACKLOG_BUCKETS,
    countryName: (code: string) => countryName(code, res.locals.locale),
    title: res.locals.t('cases.reports.title'),
  });
}

export async function downloadAttachment(req: Request, res: Response): Promise<void> {
  const { id, fileId } = req.valid.params as { id: string; fileId: string };
  const { attachment, stream } = await openCaseAttachment(id, fileId, req.user!);
  res.setHeader('Content-Type', attachment.contentType);
  res.setHeader('Content-Disposition', attachmentHeader(attachment.filename));
  res.setHeader('Cache-Control', 'private, no-store');
  stream.pipe(res);
}
