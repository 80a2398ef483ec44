import { expect } from 'chai';
import type { Express } from 'express';
import { Types } from 'mongoose';
import { formatDate, translator } from '../../src/lib/i18n.js';
import { type Role } from '../../src/lib/permissions.js';
import { partnerSections, type Partner } from '../../src/modules/partners/index.js';
import { type Interaction } from '../../src/modules/interactions/index.js';
import { useTestApp, clearDatabase } from '../support/db.js';
import { createContactAt, createEvent, createInteraction } from '../factories/interaction.js';
import { createPartner } from '../factories/partner.js';
import { createUser, type TestUser } from '../factories/user.js';

const MINUTE = 60_000;

function timelineSection() {
  const section = partnerSections().find((s) => s.key === 'timeline');
  if (!section) throw new Error('timeline section not registered');
  return section;
}

function sessionUser(u: TestUser, timeZone = 'Asia/Shanghai'): Express.User {
  return { _id: u._id, email: u.email, name: u.name, role: u.role, desks: [], locale: u.locale, timeZone };
}

interface Timeline {
  page: { rows: Interaction[]; next: string | undefined };
  canLog: boolean;
  choices: { contacts: { name: string }[] } | null;
  values: Record<string, unknown>;
}

async function load(partner: Partner, user: Express.User, query: Record<string, unknown> = {}) {
  const locals = await timelineSection().load(partner, { user, query });
  return locals as { timeline: Timeline } | null;
}

/** Renders the section view as the partner page includes it (its locals plus partner and canEdit). */
function render(app: Express, locals: Record<string, unknown>, partner: Partner): Promise<string> {
  const t = translator('en');
  return new Promise((resolve, reject) =>
    app.render(
      'interactions/partner-section',
      {
        ...locals,
        partner,
        canEdit: true,
        t,
        locale: 'en',
        timeZone: 'Asia/Shanghai',
        fmtDate: (v: Date, withTime = true) => formatDate(v, 'en', 'Asia/Shanghai', withTime),
        csrfToken: () => 'test-token',
      },
      (err, html) => (err ? reject(err) : resolve(html)),
    ),
  );
}

describe('the partner page timeline section', () => {
  const { app } = useTestApp();
  let owner: TestUser;
  let partner: Partner;

  beforeEach(async () => {
    await clearDatabase();
    owner = await createUser({ role: 'coordinator', name: 'Chen Jing' });
    partner = await createPartner({ owner: owner._id, name: 'Saigontourist' });
  });

  it('is registered as the "timeline" section, order 20, with its view', () => {
    const s = timelineSection();
    expect(s.order).to.equal(20);
    expect(s.view).to.equal('interactions/partner-section');
  });

  it('when the reader may not read interactions (staff, complaint officer), then the section is hidden', async () => {
    for (const role of ['staff', 'complaint_officer'] as Role[]) {
      expect(await load(partner, sessionUser(await createUser({ role })))).to.equal(null);
    }
  });

  it('when the owner, a manager or an admin views it, then they get the log form; another coordinator only the timeline', async () => {
    await createContactAt(partner, { name: 'Nguyen Van An' });
    const cases: [TestUser, boolean][] = [
      [owner, true],
      [await createUser({ role: 'manager' }), true],
      [await createUser({ role: 'admin' }), true],
      [await createUser({ role: 'coordinator' }), false],
    ];
    for (const [user, canLog] of cases) {
      const got = await load(partner, sessionUser(user));
      expect(got?.timeline.canLog, user.role).to.equal(canLog);
      expect(got?.timeline.choices?.contacts.map((c) => c.name) ?? null, user.role).to.deep.equal(
        canLog ? ['Nguyen Van An'] : null,
      );
    }
  });

  it('when the partner is archived, then nobody gets the log form but the timeline still shows', async () => {
    const archived = await createPartner({ owner: owner._id, archivedAt: new Date() });
    await createInteraction({ partner: archived, by: owner._id });
    const got = await load(archived, sessionUser(await createUser({ role: 'admin' })));
    expect(got?.timeline.canLog).to.equal(false);
    expect(got?.timeline.page.rows).to.have.length(1);
  });

  it('when the form is shown, then "when" defaults to now in the viewer’s time zone and the assignee to them', async () => {
    const got = await load(partner, sessionUser(owner, 'Asia/Bangkok'));
    const shown = String(got!.timeline.values.occurredAt);
    const asInstant = new Date(`${shown}:00+07:00`).getTime();
    expect(asInstant).to.be.within(Date.now() - 2 * MINUTE, Date.now() + 1000);
    expect(got!.timeline.values.followUpAssignee).to.equal(owner._id.toHexString());
  });

  it('when there are 25 interactions, then page 1 has the newest 20, newest first, and its cursor (timelineAfter) gives the other 5 — stable while new ones are logged', async () => {
    const base = Date.parse('2026-03-01T00:00:00Z');
    const created: Interaction[] = [];
    // Five pairs share a time: the cursor must break ties on _id.
    for (let i = 0; i < 25; i += 1) {
      created.push(
        await createInteraction({
          partner,
          by: owner._id,
          occurredAt: new Date(base + Math.floor(i / 2) * MINUTE),
        }),
      );
    }
    const other = await createPartner({});
    await createInteraction({ partner: other, by: owner._id });
    await createInteraction({ partner, by: owner._id, deletedAt: new Date() });
    const expected = [...created]
      .sort(
        (a, b) =>
          b.occurredAt.getTime() - a.occurredAt.getTime() ||
          (b._id.toHexString() < a._id.toHexString() ? -1 : 1),
      )
      .map((r) => r._id.toHexString());

    const user = sessionUser(owner);
    const first = await load(partner, user);
    const page1 = first!.timeline.page.rows.map((r) => r._id.toHexString());
    expect(page1).to.deep.equal(expected.slice(0, 20));
    const next = first!.timeline.page.next;
    expect(next).to.be.a('string');

    // A newer interaction logged between the two page loads does not shift page 2.
    await createInteraction({ partner, by: owner._id, occurredAt: new Date(base + 60 * MINUTE) });
    const second = await load(partner, user, { timelineAfter: next });
    expect(second!.timeline.page.rows.map((r) => r._id.toHexString())).to.deep.equal(expected.slice(20));
    expect(second!.timeline.page.next).to.equal(undefined);

    const html = await render(app(), second!, partner);
    expect(html).to.contain(`href="/partners/${partner._id.toHexString()}#timeline"`);
    const firstHtml = await render(app(), first!, partner);
    expect(firstHtml).to.contain(`?timelineAfter=${encodeURIComponent(next!)}#timeline" rel="next"`);
  });

  it('when the timelineAfter parameter is tampered with, then the page answers 400 (an array or object is ignored)', async () => {
    const user = sessionUser(owner);
    let error: unknown;
    try {
      await load(partner, user, { timelineAfter: 'garbage' });
    } catch (err) {
      error = err;
    }
    expect((error as { status?: number })?.status).to.equal(400);
    const ignored = await load(partner, user, { timelineAfter: ['a', 'b'] });
    expect(ignored?.timeline.page.rows).to.deep.equal([]);
  });

  it('when rendered, then rows show author, contacts, kind, event and follow-up state, with the summary escaped', async () => {
    const an = await createContactAt(partner, { name: 'Nguyen Van An' });
    const conference = await createEvent({ name: 'Global Partners Conference' });
    await createInteraction({
      partner,
      by: owner._id,
      kind: 'visit',
      summary: 'Visited <img src=x onerror=alert(1)>\nline two',
      contacts: [an._id],
      event: conference._id,
      followUpAt: new Date(Date.now() - 3 * 24 * 60 * MINUTE),
    });
    const html = await render(app(), (await load(partner, sessionUser(owner)))!, partner);
    expect(html).to.contain('Visit</span>');
    expect(html).to.contain('by Chen Jing');
    expect(html).to.contain('With Nguyen Van An');
    expect(html).to.contain('Global Partners Conference');
    expect(html).to.contain('Overdue');
    expect(html).to.contain('Visited &lt;img src=x onerror=alert(1)&gt;<br>line two');
    expect(html).not.to.contain('<img src=x');
    // The log form is there, with the CSRF token and a label for every input.
    expect(html).to.contain(`action="/partners/${partner._id.toHexString()}/interactions"`);
    expect(html).to.contain('value="test-token"');
    for (const id of [
      'f-kind',
      'f-occurredAt',
      'f-summary',
      'f-followUpAt',
      'f-followUpAssignee',
      'f-event',
      `f-contact-${an._id.toHexString()}`,
    ]) {
      expect(html, id).to.contain(`for="${id}"`);
    }
  });

  it('when there are no interactions, then the section says so', async () => {
    const html = await render(
      app(),
      (await load(partner, sessionUser(await createUser({ role: 'coordinator' }))))!,
      partner,
    );
    expect(html).to.contain('No interactions logged yet.');
    expect(html).not.to.contain('<form');
  });

  it('when the partner id is unknown to the loader, then it loads an empty timeline rather than failing', async () => {
    const ghost = { ...partner, _id: new Types.ObjectId() };
    const got = await load(ghost, sessionUser(owner));
    expect(got?.timeline.page.rows).to.deep.equal([]);
  });
});
