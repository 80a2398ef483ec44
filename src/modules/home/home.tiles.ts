import type { Types } from 'mongoose';
import { trusted } from '../../lib/db/index.js';
import { countryName } from '../../lib/countries.js';
import { nextDay, startOfDayInZone, toLocalDay } from '../../lib/local-time.js';
import { InteractionModel, listFollowUps } from '../interactions/index.js';
import { NotificationModel, unreadCount } from '../notifications/index.js';
import { PartnerModel, partnerNames } from '../partners/index.js';
import { registerDashboardTile, type TileContext } from './dashboard-tiles.js';

const LIST_SIZE = 5;

/** My open follow-ups due today or overdue (earliest first), with both counts. */
async function loadFollowUps({ user, now, timeZone }: TileContext) {
  const today = toLocalDay(now, timeZone);
  const startOfToday = startOfDayInZone(today, timeZone);
  const endOfToday = startOfDayInZone(nextDay(today), timeZone);
  const open = { followUpAssignee: user._id, followUpDone: false, deletedAt: null };
  const [overdue, dueToday, page] = await Promise.all([
    InteractionModel.countDocuments({ ...open, followUpAt: trusted({ $ne: null, $lt: startOfToday }) }),
    InteractionModel.countDocuments({
      ...open,
      followUpAt: trusted({ $gte: startOfToday, $lt: endOfToday }),
    }),
    listFollowUps({ state: 'open', assignee: user._id }, LIST_SIZE),
  ]);
  const rows = page.rows.filter((r) => r.followUpAt && r.followUpAt < endOfToday);
  const partners = await partnerNames(rows.map((r) => r.partner));
  return {
    overdue,
    dueToday,
    rows: rows.map((r) => ({
      id: r._id.toHexString(),
      partnerId: String(r.partner),
      partner: partners.get(String(r.partner)) ?? '',
      summary: r.summary,
      followUpAt: r.followUpAt,
      overdue: r.followUpAt! < startOfToday,
    })),
  };
}

/** My unread notifications, newest first. */
async function loadNotifications({ user }: TileContext) {
  const [count, rows] = await Promise.all([
    unreadCount(user._id),
    NotificationModel.find(
      { user: user._id, readAt: null },
      { titleKey: 1, params: 1, link: 1, createdAt: 1 },
    )
      .sort({ createdAt: -1, _id: -1 })
      .limit(LIST_SIZE)
      .lean(),
  ]);
  return { count, rows };
}

/** The latest interactions logged on partners I own. */
async function loadPartnerActivity({ user }: TileContext) {
  const owned = await PartnerModel.find({ owner: user._id, archivedAt: null }, { _id: 1, name: 1 })
    .limit(1000)
    .lean<{ _id: Types.ObjectId; name: string }[]>();
  if (!owned.length) return { owned: 0, rows: [] };
  const names = new Map(owned.map((p) => [p._id.toHexString(), p.name]));
  const rows = await InteractionModel.find(
    { partner: trusted({ $in: owned.map((p) => p._id) }), deletedAt: null },
    { partner: 1, kind: 1, occurredAt: 1, summary: 1 },
  )
    .sort({ occurredAt: -1, _id: -1 })
    .limit(LIST_SIZE + 3)
    .lean();
  return {
    owned: owned.length,
    rows: rows.map((r) => ({
      id: r._id.toHexString(),
      partnerId: r.partner.toHexString(),
      partner: names.get(r.partner.toHexString()) ?? '',
      kind: r.kind,
      occurredAt: r.occurredAt,
      summary: r.summary.length > 140 ? `${r.summary.slice(0, 140)}…` : r.summary,
    })),
  };
}

/** Partners created since the first of this month (the user's time zone), by country and by type. */
async function loadNewPartners({ now, timeZone, locale }: TileContext) {
  const start = startOfDayInZone(`${toLocalDay(now, timeZone).slice(0, 8)}01`, timeZone);
  const match = { $match: { createdAt: trusted({ $gte: start }), archivedAt: null } };
  // One accumulator per $group (FerretDB computes only the first), one pipeline per breakdown.
  const [byCountry, byType] = await Promise.all(
    ['$country', '$type'].map((field) =>
      PartnerModel.aggregate<{ _id: string; count: number }>([
        match,
        { $group: { _id: field, count: { $sum: 1 } } },
      ]),
    ),
  );
  const sorted = (rows: { _id: string; count: number }[]) =>
    rows.filter((r) => r._id).sort((a, b) => b.count - a.count || a._id.localeCompare(b._id));
  return {
    total: byCountry!.reduce((s, r) => s + r.count, 0),
    since: start,
    byCountry: sorted(byCountry!).map((r) => ({
      code: r._id,
      name: countryName(r._id, locale),
      count: r.count,
    })),
    byType: sorted(byType!).map((r) => ({ type: r._id, count: r.count })),
  };
}

registerDashboardTile({
  key: 'follow-ups',
  order: 10,
  title: 'dashboard.tiles.followUps',
  action: 'followups.read',
  view: 'home/tiles/follow-ups',
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
  load: loadPartnerActivity,
});
registerDashboardTile({
  key: 'new-partners',
  order: 110,
  title: 'dashboard.tiles.newPartners',
  action: 'partners.read',
  roles: ['admin', 'manager'],
  view: 'home/tiles/new-partners',
  load: loadNewPartners,
});
