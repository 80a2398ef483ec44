import { expect } from 'chai';
import { Types } from 'mongoose';
import { AuditEntryModel } from '../../src/modules/audit/index.js';
import { InteractionModel } from '../../src/modules/interactions/index.js';
import { PartnerModel, type Partner } from '../../src/modules/partners/index.js';
import { UserModel } from '../../src/modules/users/index.js';
import { loginAs, type LoggedIn } from '../support/agent.js';
import { clearDatabase, useTestApp } from '../support/db.js';
import { createContactAt, createEvent } from '../factories/interaction.js';
import { createPartner } from '../factories/partner.js';
import { createUser } from '../factories/user.js';

const HOUR = 60 * 60_000;
const DAY = 24 * HOUR;

/** The calendar day of an instant in a time zone ("YYYY-MM-DD"). */
function dayIn(date: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(date);
}

/** "YYYY-MM-DDTHH:mm" of an instant in a time zone, as a datetime-local input holds it. */
function localInput(date: Date, timeZone: string): string {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    })
      .formatToParts(date)
      .map((x) => [x.type, x.value]),
  );
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}

describe('logging an interaction from a partner', () => {
  const { app } = useTestApp();
  let coord: LoggedIn;
  let partner: Partner;

  beforeEach(async () => {
    await clearDatabase();
    coord = await loginAs(app(), 'coordinator', { name: 'Chen Jing' });
    partner = await createPartner({
      owner: coord.user._id,
      type: 'airline',
      country: 'VN',
      name: 'Vietnam Airlines',
    });
  });

  const form = (over: Record<string, string | string[]> = {}) => ({
    kind: 'meeting',
    occurredAt: '',
    summary: 'Met the sales team about the 2026 cruise channel.',
    ...over,
  });
  const url = () => `/partners/${partner._id.toHexString()}/interactions`;

  describe('when the input is good', () => {
    it('when a coordinator logs a meeting with contacts, an event and a follow-up on a partner they own, then it is stored with the partner facts, the follow-up is theirs, the partner shows it as its last interaction and it is audited', async () => {
      const an = await createContactAt(partner, { name: 'Nguyen Van An' });
      const bich = await createContactAt(partner, { name: 'Tran Thi Bich' });
      const conference = await createEvent({ name: 'Global Partners Conference' });
      const followUpDay = dayIn(new Date(Date.now() + 3 * DAY), 'Asia/Shanghai');

      const res = await coord
        .post(url(), {
          ...form({ kind: 'call', occurredAt: '2026-01-15T10:30' }),
          contacts: [an._id.toHexString(), bich._id.toHexString()],
          event: conference._id.toHexString(),
          followUpAt: followUpDay,
        })
        .expect(302);
      expect(res.headers.location).to.equal(`/partners/${partner._id.toHexString()}#timeline`);

      const stored = await InteractionModel.findOne({ partner: partner._id }).lean();
      expect(stored).to.include({
        kind: 'call',
        partnerType: 'airline',
        partnerCountry: 'VN',
        followUpDone: false,
      });
      expect(stored!.by.toHexString()).to.equal(coord.user._id.toHexString());
      expect(stored!.contacts.map(String).sort()).to.deep.equal([an._id, bich._id].map(String).sort());
      expect(String(stored!.event)).to.equal(conference._id.toHexString());
      // Asia/Shanghai is UTC+8: 10:30 there is 02:30 UTC; follow-ups fall due at 09:00 local.
      expect(stored!.occurredAt.toISOString()).to.equal('2026-01-15T02:30:00.000Z');
      expect(stored!.followUpAt!.toISOString()).to.equal(`${followUpDay}T01:00:00.000Z`);
      expect(String(stored!.followUpAssignee)).to.equal(coord.user._id.toHexString());
      expect(stored!.followUpRemindAt!.getTime()).to.equal(stored!.followUpAt!.getTime());

      const after = await PartnerModel.findById(partner._id).lean();
      expect(after!.lastInteractionAt!.toISOString()).to.equal('2026-01-15T02:30:00.000Z');

      const entry = await AuditEntryModel.findOne({
        action: 'interaction.create',
        entityId: stored!._id.toHexString(),
      }).lean();
      expect(entry?.entity).to.equal('interaction');
      expect(String(entry?.actor)).to.equal(coord.user._id.toHexString());
      const changed = Object.fromEntries(entry!.changes.map((c) => [c.field, c.after]));
      expect(changed).to.include({
        kind: 'call',
        summary: form().summary,
        partner: partner._id.toHexString(),
      });
    });

    it('when the time is left empty, then the interaction happened now', async () => {
      const before = Date.now();
      await coord.post(url(), form()).expect(302);
      const stored = await InteractionModel.findOne({ partner: partner._id }).lean();
      expect(stored!.occurredAt.getTime()).to.be.within(before - 1000, Date.now() + 1000);
    });

    it('when a user in Bangkok enters a time and a follow-up day, then both are converted from Bangkok time to UTC', async () => {
      await UserModel.updateOne({ _id: coord.user._id }, { $set: { timeZone: 'Asia/Bangkok' } });
      const followUpDay = dayIn(new Date(Date.now() + 2 * DAY), 'Asia/Bangkok');
      await coord.post(url(), form({ occurredAt: '2025-12-31T23:15', followUpAt: followUpDay })).expect(302);
      const stored = await InteractionModel.findOne({ partner: partner._id }).lean();
      expect(stored!.occurredAt.toISOString()).to.equal('2025-12-31T16:15:00.000Z');
      expect(stored!.followUpAt!.toISOString()).to.equal(`${followUpDay}T02:00:00.000Z`);
    });

    it('when the time is less than a day ahead, then it is accepted (a call booked for tomorrow morning)', async () => {
      const soon = localInput(new Date(Date.now() + 20 * HOUR), 'Asia/Shanghai');
      await coord.post(url(), form({ occurredAt: soon })).expect(302);
      expect(await InteractionModel.countDocuments()).to.equal(1);
    });

    it('when the follow-up goes to a colleague, then they are the assignee', async () => {
      const colleague = await createUser({ role: 'manager', name: 'Zhang Min' });
      const day = dayIn(new Date(Date.now() + DAY), 'Asia/Shanghai');
      await coord
        .post(url(), form({ followUpAt: day, followUpAssignee: colleague._id.toHexString() }))
        .expect(302);
      const stored = await InteractionModel.findOne({ partner: partner._id }).lean();
      expect(String(stored!.followUpAssignee)).to.equal(colleague._id.toHexString());
    });

    it('when an assignee is chosen without a follow-up date, then there is no follow-up', async () => {
      await coord.post(url(), form({ followUpAssignee: coord.user._id.toHexString() })).expect(302);
      const stored = await InteractionModel.findOne({ partner: partner._id }).lean();
      expect(stored).to.include({ followUpAt: null, followUpAssignee: null, followUpRemindAt: null });
    });

    it('when a newer interaction exists, then an older one logged later leaves lastInteractionAt on the newer one', async () => {
      await coord.post(url(), form({ occurredAt: '2026-02-10T09:00' })).expect(302);
      await coord.post(url(), form({ occurredAt: '2026-01-10T09:00' })).expect(302);
      const after = await PartnerModel.findById(partner._id).lean();
      expect(after!.lastInteractionAt!.toISOString()).to.equal('2026-02-10T01:00:00.000Z');
    });
  });

  describe('who may log', () => {
    it('when a manager or an admin logs on a partner someone else owns, then it is stored', async () => {
      for (const role of ['manager', 'admin'] as const) {
        const user = await loginAs(app(), role);
        await user.post(url(), form({ summary: `by ${role}` })).expect(302);
      }
      expect((await InteractionModel.find({}).lean()).map((i) => i.summary).sort()).to.deep.equal([
        'by admin',
        'by manager',
      ]);
    });

    it('when another coordinator logs on a partner they do not own, then 403 and nothing is written', async () => {
      const other = await loginAs(app(), 'coordinator');
      const res = await other.post(url(), form()).expect(403);
      expect(res.text).to.contain('You do not have permission');
      await other.agent.get(`${url()}/new`).expect(403);
      expect(await InteractionModel.countDocuments()).to.equal(0);
    });

    it('when staff or a complaint officer post, then 403 and nothing is written', async () => {
      for (const role of ['staff', 'complaint_officer'] as const) {
        const user = await loginAs(app(), role);
        await user.post(url(), form()).expect(403);
        await user.agent.get(`${url()}/new`).expect(403);
      }
      expect(await InteractionModel.countDocuments()).to.equal(0);
    });

    it('when the partner is archived, unknown or the id is not an id, then 404 and nothing is written', async () => {
      const archived = await createPartner({ owner: coord.user._id, archivedAt: new Date() });
      await coord.post(`/partners/${archived._id.toHexString()}/interactions`, form()).expect(404);
      await coord.post(`/partners/${new Types.ObjectId().toHexString()}/interactions`, form()).expect(404);
      await coord.post('/partners/not-an-id/interactions', form()).expect(404);
      await coord.post(`/partners/${'$ne'}/interactions`, form()).expect(404);
      expect(await InteractionModel.countDocuments()).to.equal(0);
    });
  });

  describe('the form page', () => {
    it('when the owner opens the log page, then it defaults to now in their time zone, themselves as assignee, and lists the partner’s live contacts only', async () => {
      await UserModel.updateOne({ _id: coord.user._id }, { $set: { timeZone: 'Asia/Ho_Chi_Minh' } });
      await createContactAt(partner, { name: 'Live Contact' });
      await createContactAt(partner, { name: 'Gone Contact', archivedAt: new Date() });
      const other = await createPartner({});
      await createContactAt(other, { name: 'Elsewhere Contact' });
      const res = await coord.agent.get(`${url()}/new`).expect(200);
      const m = /name="occurredAt" type="datetime-local" value="([^"]+)"/.exec(res.text);
      const shown = new Date(`${m![1]}:00+07:00`).getTime();
      expect(shown).to.be.within(Date.now() - 2 * 60_000, Date.now() + 1000);
      expect(res.text).to.match(new RegExp(`<option value="${coord.user._id.toHexString()}" selected>`));
      expect(res.text).to.contain('Live Contact');
      expect(res.text).not.to.contain('Gone Contact');
      expect(res.text).not.to.contain('Elsewhere Contact');
      expect(res.text).to.contain('Asia/Ho_Chi_Minh');
    });
  });

  describe('bad input: a clear error, the values kept, nothing written', () => {
    async function rejected(body: Record<string, string | string[]>, message: string): Promise<string> {
      const res = await coord.post(url(), body).expect(422);
      expect(res.text, message).to.contain(message);
      expect(res.text).to.contain('Please correct the highlighted fields.');
      expect(await InteractionModel.countDocuments()).to.equal(0);
      expect((await PartnerModel.findById(partner._id).lean())!.lastInteractionAt).to.equal(null);
      return res.text;
    }

    it('when the kind is unknown, then "choose one of the listed values"', async () => {
      const text = await rejected(
        form({ kind: 'telepathy', summary: 'Kept summary' }),
        'Choose one of the listed values.',
      );
      expect(text).to.contain('Kept summary');
    });

    it('when the summary is missing or blank, then "required"', async () => {
      await rejected(form({ summary: '   ' }), 'This field is required.');
      await rejected({ kind: 'call' }, 'This field is required.');
    });

    it('when the summary is over 5000 characters, then "at most 5000"; exactly 5000 with Windows line breaks is fine', async () => {
      await rejected(form({ summary: 'x'.repeat(5001) }), 'Must be at most 5000 characters.');
      // 2500 lines of "x" + CRLF would be 5000 characters with CR counted; the user sees 4999.
      const crlf = Array.from({ length: 2500 }, () => 'x').join('\r\n');
      expect(crlf.length).to.be.greaterThan(5000);
      await coord.post(url(), form({ summary: crlf })).expect(302);
      const stored = await InteractionModel.findOne({}).lean();
      expect(stored!.summary).not.to.contain('\r');
      expect(stored!.summary.split('\n')).to.have.length(2500);
    });

    it('when a contact belongs to another partner, is archived or is not an id, then "choose contacts of this partner"', async () => {
      const mine = await createContactAt(partner);
      const elsewhere = await createContactAt(await createPartner({}));
      const archived = await createContactAt(partner, { archivedAt: new Date() });
      await rejected(
        { ...form(), contacts: [mine._id.toHexString(), elsewhere._id.toHexString()] },
        'Choose contacts of this partner only.',
      );
      await rejected(
        { ...form(), contacts: archived._id.toHexString() },
        'Choose contacts of this partner only.',
      );
      await rejected(
        { ...form(), contacts: new Types.ObjectId().toHexString() },
        'Choose contacts of this partner only.',
      );
      await rejected({ ...form(), contacts: 'not-an-id' }, 'Choose a valid record.');
    });

    it('when the time is more than a day ahead, then "more than a day ahead"', async () => {
      const ahead = localInput(new Date(Date.now() + 26 * HOUR), 'Asia/Shanghai');
      await rejected(form({ occurredAt: ahead }), 'This is more than a day ahead.');
    });

    it('when the time is not a real date or is decades old, then a date error', async () => {
      await rejected(form({ occurredAt: '2026-02-30T10:00' }), 'Enter a valid date.');
      await rejected(form({ occurredAt: 'yesterday' }), 'Enter a valid date.');
      await rejected(form({ occurredAt: '0226-01-01T10:00' }), 'too far in the past');
    });

    it('when the event is archived or unknown, then "choose an event from the list"', async () => {
      const archived = await createEvent({ archivedAt: new Date() });
      await rejected(form({ event: archived._id.toHexString() }), 'Choose an event from the list.');
      await rejected(form({ event: new Types.ObjectId().toHexString() }), 'Choose an event from the list.');
    });

    it('when the follow-up day is in the past or the assignee is disabled or cannot have follow-ups, then a clear error', async () => {
      const yesterday = dayIn(new Date(Date.now() - DAY), 'Asia/Shanghai');
      await rejected(form({ followUpAt: yesterday }), 'Choose today or a later day.');
      const tomorrow = dayIn(new Date(Date.now() + DAY), 'Asia/Shanghai');
      const gone = await createUser({ role: 'coordinator', disabledAt: new Date() });
      await rejected(
        form({ followUpAt: tomorrow, followUpAssignee: gone._id.toHexString() }),
        'Choose an active colleague who handles follow-ups.',
      );
      const staff = await createUser({ role: 'staff' });
      await rejected(
        form({ followUpAt: tomorrow, followUpAssignee: staff._id.toHexString() }),
        'Choose an active colleague who handles follow-ups.',
      );
    });

    it('when fields carry $-operators or unknown keys, then they are rejected as values, never used as queries', async () => {
      await rejected(form({ kind: '$ne' }), 'Choose one of the listed values.');
      await rejected(
        form({ followUpAssignee: '{"$ne":null}', followUpAt: dayIn(new Date(), 'Asia/Shanghai') }),
        'Choose a valid record.',
      );
      await rejected({ ...form(), 'kind[$ne]': 'x' }, 'This field is not allowed.');
      await rejected({ ...form(), by: new Types.ObjectId().toHexString() }, 'This field is not allowed.');
      // Operator-looking text in the summary is just text.
      await coord.post(url(), form({ summary: '{"$gt": ""}' })).expect(302);
      expect((await InteractionModel.findOne({}).lean())!.summary).to.equal('{"$gt": ""}');
    });

    it('when several fields are wrong, then every error shows at once', async () => {
      const res = await coord
        .post(url(), form({ kind: 'x', summary: '', event: new Types.ObjectId().toHexString() }))
        .expect(422);
      expect(res.text).to.contain('Choose one of the listed values.');
      expect(res.text).to.contain('This field is required.');
    });
  });

  describe('escaping', () => {
    it('when the summary holds HTML and a script, then every page shows it as text with its line breaks', async () => {
      const summary = '<script>alert("x")</script>\nSecond <b>line</b>';
      await coord.post(url(), form({ summary })).expect(302);
      const stored = await InteractionModel.findOne({}).lean();
      for (const page of [`/interactions/${stored!._id.toHexString()}`, '/interactions']) {
        const res = await coord.agent.get(page).expect(200);
        expect(res.text, page).not.to.contain('<script>alert');
        expect(res.text, page).to.contain(
          '&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;<br>Second &lt;b&gt;line&lt;/b&gt;',
        );
      }
    });
  });
});
