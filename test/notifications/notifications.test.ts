import { expect } from 'chai';
import { Types } from 'mongoose';
import request from 'supertest';
import { ROLES } from '../../src/lib/permissions.js';
import {
  markAllRead,
  markRead,
  NotificationModel,
  notify,
  UNREAD_COUNT_CAP,
  unreadCount,
} from '../../src/modules/notifications/index.js';
import { backfillUnreadFlags } from '../../src/modules/notifications/notifications.service.js';
import { loginAs, type LoggedIn } from '../support/agent.js';
import { clearDatabase, useTestApp } from '../support/db.js';
import { nextPageHref } from '../support/pages.js';
import { createNotification } from '../factories/notification.js';
import { createUser } from '../factories/user.js';

const MINUTE = 60_000;

/** Ids of the notifications listed on a page, in page order. */
function listed(html: string): string[] {
  return [...html.matchAll(/id="notification-([0-9a-f]{24})"/g)].map((m) => m[1]!);
}

function bellCount(html: string): string | null {
  const m = /notification-count">([^<]+)<span class="visually-hidden"> unread<\/span>/.exec(html);
  return m ? m[1]! : null;
}

describe('notifications', () => {
  const { app } = useTestApp();
  let me: LoggedIn;

  beforeEach(async () => {
    await clearDatabase();
    me = await loginAs(app(), 'coordinator');
  });

  describe('notify()', () => {
    it('when sent twice with the same dedupe key, then one notification exists and only the first call reports creating it', async () => {
      const input = {
        kind: 'followup.due',
        titleKey: 'notifications.kinds.followUpDue',
        params: { partner: 'A', summary: 'B' },
        link: '/follow-ups',
        dedupeKey: 'k1',
      };
      expect(await notify(me.user._id, input)).to.deep.equal({ created: true });
      expect(await notify(me.user._id, input)).to.deep.equal({ created: false });
      expect(await NotificationModel.countDocuments()).to.equal(1);
    });

    it('when five senders race on one dedupe key, then one notification exists and exactly one sender created it', async () => {
      const input = { kind: 'test', titleKey: 'notifications.title', dedupeKey: 'race' };
      const results = await Promise.all(Array.from({ length: 5 }, () => notify(me.user._id, input)));
      expect(results.filter((r) => r.created)).to.have.length(1);
      expect(await NotificationModel.countDocuments({ dedupeKey: 'race' })).to.equal(1);
    });

    it('when sent without a dedupe key, then each call creates one', async () => {
      await notify(me.user._id, { kind: 'test', titleKey: 'notifications.title' });
      await notify(me.user._id, { kind: 'test', titleKey: 'notifications.title' });
      expect(await unreadCount(me.user._id)).to.equal(2);
    });

    it('when the link leads off the site, then it is refused', async () => {
      for (const link of ['https://evil.example/', '//evil.example/', 'javascript:alert(1)']) {
        let error: unknown;
        try {
          await notify(me.user._id, { kind: 'test', titleKey: 'notifications.title', link });
        } catch (err) {
          error = err;
        }
        expect(error, link).to.be.instanceOf(Error);
      }
      expect(await NotificationModel.countDocuments()).to.equal(0);
    });
  });

  describe('the list', () => {
    it('when a user opens their notifications, then they see only their own, newest first, unread ones highlighted, with titles in their language and params escaped', async () => {
      const other = await createUser({ role: 'manager' });
      const old = await createNotification(me.user._id, {
        createdAt: new Date(Date.now() - 10 * MINUTE),
        readAt: new Date(),
      });
      const fresh = await createNotification(me.user._id, {
        createdAt: new Date(Date.now() - MINUTE),
        params: { partner: '<b>Thai</b> Airways', summary: 'rates' },
      });
      await createNotification(other._id, { params: { partner: 'Not mine', summary: 'x' } });

      const res = await me.agent.get('/notifications').expect(200);
      expect(listed(res.text)).to.deep.equal([fresh, old].map((n) => n._id.toHexString()));
      expect(res.text).to.contain('Follow-up due with &lt;b&gt;Thai&lt;/b&gt; Airways: rates');
      expect(res.text).not.to.contain('Not mine');
      const freshItem = res.text.slice(res.text.indexOf(`id="notification-${fresh._id.toHexString()}"`) - 80);
      expect(freshItem).to.match(/list-group-item list-group-item-primary" id="notification-/);
      expect(res.text).to.match(
        new RegExp(`<li class="list-group-item" id="notification-${old._id.toHexString()}"`),
      );
    });

    it('when the reader uses Chinese, then titles are shown in Chinese', async () => {
      const zh = await loginAs(app(), 'staff', { locale: 'zh-CN' });
      await createNotification(zh.user._id, { params: { partner: '泰国航空', summary: '报价' } });
      const res = await zh.agent.get('/notifications').expect(200);
      expect(res.text).to.contain('与 泰国航空 的跟进已到期：报价');
    });

    it('when every role opens it, then it answers 200 (all roles get notifications)', async () => {
      for (const role of ROLES) {
        const user = await loginAs(app(), role);
        await user.agent.get('/notifications').expect(200);
      }
    });

    it('when there are none, then the page says so', async () => {
      const res = await me.agent.get('/notifications').expect(200);
      expect(res.text).to.contain('No notifications yet.');
      expect(res.text).not.to.contain('Mark all as read');
    });

    it('when there are 35, then page 1 shows 30 and the next page the other 5', async () => {
      for (let i = 0; i < 35; i += 1)
        await createNotification(me.user._id, { createdAt: new Date(Date.now() - i * MINUTE) });
      const first = await me.agent.get('/notifications').expect(200);
      expect(listed(first.text)).to.have.length(30);
      const href = nextPageHref(first.text)!;
      const second = await me.agent.get(href.startsWith('/') ? href : `/notifications${href}`).expect(200);
      expect(listed(second.text)).to.have.length(5);
      expect(listed(first.text).filter((id) => listed(second.text).includes(id))).to.deep.equal([]);
      await me.agent.get('/notifications?after=junk').expect(400);
    });
  });

  describe('reading', () => {
    it('when the user opens an unread one, then it is marked read and they are sent to its link', async () => {
      const n = await createNotification(me.user._id, { link: '/interactions/abc' });
      const res = await me.post(`/notifications/${n._id.toHexString()}/read`).expect(302);
      expect(res.headers.location).to.equal('/interactions/abc');
      const after = await NotificationModel.findById(n._id).lean();
      expect(after!.readAt).to.be.instanceOf(Date);
      // Opening it again keeps the first read time.
      await me.post(`/notifications/${n._id.toHexString()}/read`).expect(302);
      expect((await NotificationModel.findById(n._id).lean())!.readAt!.getTime()).to.equal(
        after!.readAt!.getTime(),
      );
    });

    it('when it has no link, then they come back to the list', async () => {
      const n = await createNotification(me.user._id, { link: null });
      const res = await me.post(`/notifications/${n._id.toHexString()}/read`).expect(302);
      expect(res.headers.location).to.equal('/notifications');
    });

    it('when someone opens another user’s notification, an unknown one or a malformed id, then 404 and it stays unread', async () => {
      const other = await createUser({ role: 'manager' });
      const theirs = await createNotification(other._id);
      await me.post(`/notifications/${theirs._id.toHexString()}/read`).expect(404);
      const admin = await loginAs(app(), 'admin');
      await admin.post(`/notifications/${theirs._id.toHexString()}/read`).expect(404);
      await me.post(`/notifications/${new Types.ObjectId().toHexString()}/read`).expect(404);
      await me.post('/notifications/not-an-id/read').expect(404);
      expect((await NotificationModel.findById(theirs._id).lean())!.readAt ?? null).to.equal(null);
    });

    it('when the user marks all read, then all of theirs are read and nobody else’s', async () => {
      const other = await createUser({ role: 'manager' });
      await createNotification(me.user._id);
      await createNotification(me.user._id);
      await createNotification(other._id);
      const res = await me.post('/notifications/read-all').expect(302);
      expect(res.headers.location).to.equal('/notifications');
      expect(await unreadCount(me.user._id)).to.equal(0);
      expect(await unreadCount(other._id)).to.equal(1);
      expect(await markAllRead(me.user._id)).to.equal(0);
    });

    it('when posted without a CSRF token, then 403 and nothing changes', async () => {
      const n = await createNotification(me.user._id);
      await me.agent.post(`/notifications/${n._id.toHexString()}/read`).type('form').send({}).expect(403);
      await me.agent.post('/notifications/read-all').type('form').send({}).expect(403);
      expect(await unreadCount(me.user._id)).to.equal(1);
    });
  });

  describe('the stored unread flag', () => {
    const flag = async (id: Types.ObjectId) => (await NotificationModel.findById(id).lean())!.unread;

    it('when a notification is sent, inserted, read one by one, read all at once or updated directly, then `unread` equals readAt == null', async () => {
      await notify(me.user._id, { kind: 'test', titleKey: 'notifications.title', dedupeKey: 'flag' });
      const sent = (await NotificationModel.findOne({ dedupeKey: 'flag' }).lean())!;
      expect(sent.unread).to.equal(true);
      const [readOnInsert, unreadOnInsert] = await NotificationModel.insertMany([
        { user: me.user._id, kind: 't', titleKey: 'notifications.title', dedupeKey: 'a', readAt: new Date() },
        { user: me.user._id, kind: 't', titleKey: 'notifications.title', dedupeKey: 'b' },
      ]);
      expect(await flag(readOnInsert!._id)).to.equal(false);
      expect(await flag(unreadOnInsert!._id)).to.equal(true);
      const created = await createNotification(me.user._id, { readAt: new Date() });
      expect(await flag(created._id)).to.equal(false);

      await markRead(sent._id, me.user._id);
      expect(await flag(sent._id)).to.equal(false);
      await NotificationModel.updateOne({ _id: sent._id }, { $set: { readAt: null } });
      expect(await flag(sent._id)).to.equal(true);
      await markAllRead(me.user._id);
      expect(await flag(sent._id)).to.equal(false);
      expect(await flag(unreadOnInsert!._id)).to.equal(false);
      expect(await unreadCount(me.user._id)).to.equal(0);
    });

    it('when notifications were written before the flag existed, then the backfill sets it from readAt and they are counted', async () => {
      const unread = await createNotification(me.user._id);
      const read = await createNotification(me.user._id, { readAt: new Date() });
      await NotificationModel.collection.updateMany({}, { $unset: { unread: '' } });
      expect(await NotificationModel.countDocuments({ unread: true })).to.equal(0);

      await backfillUnreadFlags();
      expect(await flag(unread._id)).to.equal(true);
      expect(await flag(read._id)).to.equal(false);
      expect(await unreadCount(me.user._id)).to.equal(1);
    });
  });

  describe('the header bell', () => {
    it('when the user has unread notifications, then every page’s header shows the count with a text label; after reading them, no count', async () => {
      await createNotification(me.user._id);
      await createNotification(me.user._id);
      await createNotification(me.user._id, { readAt: new Date() });
      await createNotification((await createUser({ role: 'staff' }))._id);
      for (const page of ['/', '/profile', '/follow-ups']) {
        const res = await me.agent.get(page).expect(200);
        expect(bellCount(res.text), page).to.equal('2');
        expect(res.text).to.contain('href="/notifications"');
        expect(res.text).to.contain('<span class="visually-hidden">Notifications</span>');
      }
      await me.post('/notifications/read-all').expect(302);
      const res = await me.agent.get('/').expect(200);
      expect(bellCount(res.text)).to.equal(null);
      expect(res.text).to.contain('href="/notifications"');
    });

    it('when there are more than 99, then the badge says 99+ and the count stops at the cap', async () => {
      await NotificationModel.insertMany(
        Array.from({ length: UNREAD_COUNT_CAP + 5 }, (_, i) => ({
          user: me.user._id,
          kind: 'test',
          titleKey: 'notifications.title',
          createdAt: new Date(),
          dedupeKey: `bulk:${i}`,
        })),
      );
      expect(await unreadCount(me.user._id)).to.equal(UNREAD_COUNT_CAP);
      const res = await me.agent.get('/').expect(200);
      expect(bellCount(res.text)).to.equal('99+');
    });

    it('when nobody is signed in, then there is no bell', async () => {
      const res = await request(app()).get('/login').expect(200);
      expect(res.text).not.to.contain('href="/notifications"');
    });
  });
});
