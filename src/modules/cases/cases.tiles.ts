import { registerDashboardTile } from '../home/index.js';
import { CaseModel } from './case.model.js';
import { caseListQuery, type CaseListQuery } from './cases.schemas.js';
import { buildCaseQuery, listCases } from './cases.service.js';

/** A list filter with every default filled in, as the list page would have it. */
function listFilter(values: Partial<Record<keyof CaseListQuery, string>>): CaseListQuery {
  return caseListQuery.validate(values).value as CaseListQuery;
}

function listLink(values: Record<string, string>): string {
  return `/cases?${new URLSearchParams(values).toString()}`;
}

async function countCases(values: Record<string, string>, user: Express.User, now: Date) {
  const { filter } = buildCaseQuery(listFilter(values), user, now);
  return { count: await CaseModel.countDocuments(filter), link: listLink(values) };
}

// Managers: service levels across every desk, each number linked to the cases behind it.
registerDashboardTile({
  key: 'cases-sla',
  order: 140,
  title: 'cases.tiles.sla',
  action: 'cases.reports',
  view: 'cases/tile-sla',
  cache: { scope: 'shared', tags: ['cases'], varies: [] },
  async load({ user, now }) {
    const [open, breached, atRisk] = await Promise.all([
      countCases({ scope: 'all', status: 'open' }, user, now),
      countCases({ scope: 'all', status: 'open', breach: 'breached' }, user, now),
      countCases({ scope: 'all', status: 'open', breach: 'at_risk' }, user, now),
    ]);
    return { open, breached, atRisk };
  },
});

// Complaint officers: their own queue by due time, and breaches on their desks.
registerDashboardTile({
  key: 'cases-queue',
  order: 15,
  title: 'cases.tiles.queue',
  roles: ['complaint_officer'],
  view: 'cases/tile-queue',
  cache: { scope: 'user', tags: ['cases'] },
  async load({ user, now }) {
    const values = { scope: 'mine', status: 'open' };
    const [page, deskBreaches] = await Promise.all([
      listCases(listFilter(values), user, now, 5),
      countCases({ scope: 'desks', status: 'open', breach: 'breached' }, user, now),
    ]);
    return {
      rows: page.rows.map((r) => ({
        id: r._id.toHexString(),
        number: r.number,
        priority: r.priority,
        dueAt: r.dueAt,
        overdue: r.dueAt.getTime() < now.getTime(),
      })),
      link: listLink(values),
      deskBreaches,
    };
  },
});
