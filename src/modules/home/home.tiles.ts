import type { Types } from 'mongoose';
import { trusted } from '../../lib/db/index.js';
import { countryName } from '../../lib/countries.js';
import { nextDay, startOfDayInZone, toLocalDay } from '../../lib/local-time.js';
import { InteractionModel } from '../interactions/index.js';
import { newestUnread } from '../notifications/index.js';
import { PartnerModel, partnerNames } from '../partners/index.js';
import { registerDashboardTile, type TileContext } from './dashboard-tiles.js';

const LIST_SIZE = 5;

// FerretDB v1 filters, sorts and counts in memory, so each query below reads every matching
// document: each tile makes one query where it can and does the counting and sorting here.

/** My open follow-ups due today or overdue (earliest first), with both counts. */
async function loadFollowUps({ user, now, timeZone }: TileContext) {
  const today = toLocalDay(now, timeZone);
  const startOfToday = startOfDayInZone(today, timeZone);
  const endOfToday = startOfDayInZone(nextDay(today), timeZone);
  const open = await InteractionModel.find(
    // Only what is due by the end of today: on MongoDB a range on the follow-up index, so the
    // tile does not read every future follow-up; FerretDB pushes the assignee down (PostgreSQL).
    {
      followUpAssignee: user._id,
      followUpDone: false,
      deletedAt: null,
      followUpAt: trusted({ $lt: endOfToday }),
    },
    { partner: 1, summary: 1, followUpAt: 1, deletedAt: 1 },
  ).lean<
    {
      _id: Types.ObjectId;
      partner: Types.ObjectId;
      summary: string;
      followUpAt: Date | null;
      deletedAt: Date | null;
    }[]
  >();
  const due = open.filter(
    (r): r is typeof r & { followUpAt: Date } =>
      !r.deletedAt && r.followUpAt != null && r.followUpAt < endOfToday,
  );
  due.sort(
    (a, b) =>
      a.followUpAt.getTime() - b.followUpAt.getTime() ||
      a._id.toHexString().localeCompare(b._id.toHexString()),
  );
  const overdue = due.filter((r) => r.followUpAt < startOfToday).length;
  const rows = due.slice(0, LIST_SIZE);
  const partners = await partnerNames(rows.map((r) => r.partner));
  return {
    overdue,
    dueToday: due.length - overdue,
    rows: rows.map((r) => ({
      id: r._id.toHexString(),
      partnerId: r.partner.toHexString(),
      partner: partners.get(r.partner.toHexString()) ?? '',
      summary: r.summary,
      followUpAt: r.followUpAt,
      overdue: r.followUpAt < startOfToday,
    })),
  };
}

/**
 * My newest unread notifications. Their count is the header bell's (res.locals, which tile views
 * see): counting them again here would be a second query per view.
 */
async function loadNotifications({ user }: TileContext) {
  return { rows: await newestUnread(user._id, LIST_SIZE) };
}

/**
 * Partners I own with the latest interactions, from each partner's last-interaction time (kept
 * by the interactions module), so the tile reads partners only, not the interactions.
 */
async function loadPartnerActivity({ user }: TileContext) {
  const mine = await PartnerModel.find(
    { archivedAt: null, owner: user._id },
    { _id: 1, name: 1, lastInteractionAt: 1, archivedAt: 1 },
  ).lean<{ _id: Types.ObjectId; name: string; lastInteractionAt: Date | null; archivedAt: Date | null }[]>();
  const owned = mine.filter((p) => !p.archivedAt);
  const recent = owned
    .filter((p) => p.lastInteractionAt)
    .sort((a, b) => b.lastInteractionAt!.getTime() - a.lastInteractionAt!.getTime())
    .slice(0, LIST_SIZE + 3);
  return {
    owned: owned.length,
    rows: recent.map((p) => ({
      partnerId: p._id.toHexString(),
      partner: p.name,
      occurredAt: p.lastInteractionAt,
    })),
  };
}

/** Partners created since the first of this month (the user's time zone), by country and by type. */
async function loadNewPartners({ now, timeZone, locale }: TileContext) {
  const start = startOfDayInZone(`${toLocalDay(now, timeZone).slice(0, 8)}01`, timeZone);
  const rows = await PartnerModel.find(
    { createdAt: trusted({ $gte: start }), archivedAt: null },
    { _id: 0, country: 1, type: 1 },
  ).lean<{ country: string; type: string }[]>();
  const tally = (key: 'country' | 'type') => {
    const counts = new Map<string, number>();
    for (const r of rows) if (r[key]) counts.set(r[key], (counts.get(r[key]) ?? 0) + 1);
    return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  };
  return {
    total: rows.length,
    since: start,
    byCountry: tally('country').map(([code, count]) => ({ code, name: countryName(code, locale), count })),
    byType: tally('type').map(([type, count]) => ({ type, count })),
  };
}

registerDashboardTile({
  key: 'follow-ups',
  order: 10,
  title: 'dashboard.tiles.followUps',
  action: 'followups.read',
  view: 'home/tiles/follow-ups',
  cache: { scope: 'user', tags: ['interactions'] },
  load: loadFollowUps,
});
registerDashboardTile({
  key: 'notifications',
  order: 20,
  title: 'dashboard.tiles.notifications',
  action: 'notifications.read',
  view: 'home/tiles/notifications',
  load: loadNotifications,
});
registerDashboardTile({
  key: 'partner-activity',
  order: 30,
  title: 'dashboard.tiles.partnerActivity',
  action: 'interactions.read',
  view: 'home/tiles/partner-activity',
  cache: { scope: 'user', tags: ['partners'] },
  load: loadPartnerActivity,
});
registerDashboardTile({
  key: 'new-partners',
  order: 110,
  title: 'dashboard.tiles.newPartners',
  action: 'partners.read',
  roles: ['admin', 'manager'],
  view: 'home/tiles/new-partners',
  cache: { scope: 'shared', tags: ['partners'], varies: ['locale', 'timeZone'] },
  load: loadNewPartners,
});
