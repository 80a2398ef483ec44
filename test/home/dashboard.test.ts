import { expect } from 'chai';
import { mongoose } from '../../src/lib/db/index.js';
import { clearShortCache } from '../../src/lib/short-cache.js';
import { dashboardTilesFor, registerDashboardTile } from '../../src/modules/home/index.js';
import type { Role } from '../../src/lib/permissions.js';
import { loginAs, type LoggedIn } from '../support/agent.js';
import { clearDatabase, useTestApp } from '../support/db.js';
import { createInteraction } from '../factories/interaction.js';
import { createNotification } from '../factories/notification.js';
import { NotificationModel, UNREAD_COUNT_CAP } from '../../src/modules/notifications/index.js';
import { createPartner } from '../factories/partner.js';
import { createActuals, createMarket } from '../factories/target.js';

const DAY = 24 * 3600 * 1000;
const tileIds = (html: string) => [...html.matchAll(/<section[^>]* id="tile-([a-z-]+)"/g)].map((m) => m[1]!);
const tileHtml = (html: string, key: string) => {
  const start = html.indexOf(`id="tile-${key}"`);
  if (start < 0) return '';
  const end = html.indexOf('<section', start + 10);
  return html.slice(start, end < 0 ? undefined : end);
};

// A tile that fails on demand, to show one broken tile does not break the page.
let failTile = false;
registerDashboardTile({
  key: 'test-failing',
  order: 999,
  title: 'dashboard.title',
  view: 'home/tiles/notifications',
  async load() {
    if (!failTile) return null;
    throw new Error('tile exploded');
  },
});

describe('home dashboard /', () => {
  const { app } = useTestApp();
  const users = {} as Record<Role, LoggedIn>;

  before(async () => {
    await clearDatabase();
    for (const role of ['admin', 'manager', 'coordinator', 'complaint_officer', 'staff'] as Role[]) {
      users[role] = await loginAs(app(), role);
    }
  });

  // The failing tile is registered for the whole run: leave it quiet for later test files.
  after(() => {
    failTile = false;
  });

  beforeEach(async () => {
    failTile = false;
    // Raw deletes bypass the models' write hooks: drop the cached tiles too.
    clearShortCache();
    const db = mongoose.connection.db!;
    await Promise.all(
      ['partners', 'interactions', 'notifications', 'targetmarkets', 'targetactuals'].map((c) =>
        db.collection(c).deleteMany({}),
      ),
    );
  });

  it('shows each role the tiles it may use: personal tiles for everyone who has them, management tiles for managers and admins', async () => {
    const PERSONAL = ['follow-ups', 'notifications', 'partner-activity'];
    const MANAGEMENT = ['new-partners', 'targets', 'agreements-pipeline', 'agreements-expiring', 'cases-sla'];
    const expected: Record<Role, string[]> = {
      admin: [...PERSONAL, ...MANAGEMENT],
      manager: [...PERSONAL, ...MANAGEMENT],
      coordinator: PERSONAL,
      complaint_officer: ['cases-queue', 'notifications'],
      staff: ['notifications'],
    };
    for (const [role, tiles] of Object.entries(expected) as [Role, string[]][]) {
      const res = await users[role].agent.get('/').expect(200);
      expect(tileIds(res.text), role).to.deep.equal(tiles);
      expect(
        dashboardTilesFor({ role })
          .map((t) => t.key)
          .filter((k) => k !== 'test-failing'),
      ).to.deep.equal(tiles);
    }
  });

  it("lists my overdue and today's follow-ups, my unread notifications and activity on partners I own, each linking to the list behind it", async () => {
    const me = users.coordinator;
    const mine = await createPartner({
      name: 'Siam Journeys',
      owner: me.user._id,
      lastInteractionAt: new Date(Date.now() - 5 * DAY),
    });
    const theirs = await createPartner({ name: 'Not Mine Travel' });
    await createInteraction({
      partner: mine,
      by: me.user._id,
      summary: 'Send the <b>brochure</b>',
      occurredAt: new Date(Date.now() - 5 * DAY),
      followUpAt: new Date(Date.now() - 2 * DAY),
      followUpAssignee: me.user._id,
    });
    await createInteraction({
      partner: theirs,
      by: users.manager.user._id,
      summary: 'Someone else',
      followUpAt: new Date(Date.now() + 10 * DAY),
      followUpAssignee: me.user._id,
    });
    await createNotification(me.user._id, {
      params: { partner: 'Siam Journeys', summary: 'x' },
      link: '/follow-ups',
    });
    await createNotification(me.user._id, { readAt: new Date() });

    const res = await me.agent.get('/').expect(200);
    const followUps = tileHtml(res.text, 'follow-ups');
    expect(followUps).to.contain('1 overdue · 0 due today');
    expect(followUps).to.contain(`href="/partners/${mine._id.toHexString()}"`);
    expect(followUps).to.contain('Send the &lt;b&gt;brochure&lt;/b&gt;');
    expect(followUps).not.to.contain('Not Mine Travel');
    expect(followUps).to.contain('href="/follow-ups"');

    const notes = tileHtml(res.text, 'notifications');
    expect(notes).to.contain('1 unread');
    expect(notes).to.contain('href="/notifications"');

    const activity = tileHtml(res.text, 'partner-activity');
    expect(activity).to.contain('Siam Journeys');
    expect(activity).not.to.contain('Someone else');
    expect(activity).to.contain('href="/partners?owner=mine');
  });

  it('shows my five newest unread notifications, newest first, and "99+ unread" once the count reaches the cap', async () => {
    const me = users.staff;
    const base = Date.now() - DAY;
    await NotificationModel.insertMany(
      Array.from({ length: UNREAD_COUNT_CAP + 2 }, (_, i) => ({
        user: me.user._id,
        kind: 'test',
        titleKey: 'notifications.kinds.followUpDue',
        params: { partner: `Partner ${i}`, summary: 's' },
        createdAt: new Date(base + i * 60_000),
        dedupeKey: `tile:${i}`,
      })),
    );
    // Read ones are not listed, however new.
    await createNotification(me.user._id, {
      params: { partner: 'Read one', summary: 's' },
      readAt: new Date(),
    });

    const notes = tileHtml((await me.agent.get('/').expect(200)).text, 'notifications');
    expect(notes).to.contain('99+ unread');
    const listed = [...notes.matchAll(/Partner (\d+)/g)].map((m) => Number(m[1]));
    expect(listed).to.deep.equal([101, 100, 99, 98, 97]);
    expect(notes).not.to.contain('Read one');
  });

  it('shows managers the partners added this month by country and type, linking to the filtered partner list', async () => {
    await createPartner({ country: 'TH', type: 'travel_agency' });
    await createPartner({ country: 'TH', type: 'hotel' });
    await createPartner({ country: 'VN', type: 'hotel' });
    await createPartner({ country: 'VN', type: 'hotel', createdAt: new Date(Date.now() - 70 * DAY) });
    const res = await users.manager.agent.get('/').expect(200);
    const tile = tileHtml(res.text, 'new-partners');
    expect(tile).to.contain('3 new since');
    expect(tile).to.match(
      /href="\/partners\?country=TH&amp;sort=created">[^<]+<\/a> <span class="badge text-bg-light">2</,
    );
    expect(tile).to.match(
      /href="\/partners\?type=hotel&amp;sort=created">[^<]+<\/a> <span class="badge text-bg-light">2</,
    );
  });

  it('keeps tiles for a minute: my own tiles show my change at once, management tiles show the old numbers once more while they reload', async () => {
    const me = users.coordinator;
    const partner = await createPartner({ owner: me.user._id });
    const item = await createInteraction({
      partner,
      by: me.user._id,
      followUpAt: new Date(Date.now() - 2 * DAY),
      followUpAssignee: me.user._id,
    });
    const followUps = async () => tileHtml((await me.agent.get('/').expect(200)).text, 'follow-ups');
    expect(await followUps()).to.contain('1 overdue');
    await me.post(`/follow-ups/${item._id.toHexString()}/done`).expect(302);
    expect(await followUps()).to.contain('0 overdue');

    const newPartners = async () =>
      tileHtml((await users.manager.agent.get('/').expect(200)).text, 'new-partners');
    expect(await newPartners()).to.contain('1 new since');
    await createPartner({ country: 'VN' });
    expect(await newPartners()).to.contain('1 new since');
    let latest = '';
    for (let i = 0; i < 40 && !latest.includes('2 new since'); i++) {
      await new Promise((r) => setTimeout(r, 50));
      latest = await newPartners();
    }
    expect(latest).to.contain('2 new since');
  });

  it('shows managers the doubling-plan status per market, each linking to its market page', async () => {
    const m = await createMarket({
      origin: 'TH',
      destination: 'CN-CQ',
      baselineYear: 2025,
      baselineVisitors: 120_000,
      multiplier: 4,
      targetYear: 2027,
    });
    await createActuals(m._id, { 202601: 10_000, 202602: 10_000 });
    const res = await users.admin.agent.get('/').expect(200);
    const tile = tileHtml(res.text, 'targets');
    expect(tile).to.contain(`href="/targets/${m._id.toHexString()}"`);
    expect(tile).to.contain('status-off_track');
    expect(tile).to.contain('50.0%');
    expect(tile).to.contain('href="/targets"');
  });

  it('when one tile fails, then it shows an error box and the rest of the page still renders', async () => {
    failTile = true;
    const res = await users.manager.agent.get('/').expect(200);
    expect(tileHtml(res.text, 'test-failing')).to.contain('tile-error');
    expect(tileIds(res.text)).to.include('targets');
  });
});
