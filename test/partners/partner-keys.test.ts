import { expect } from 'chai';
import type { Types } from 'mongoose';
import {
  backfillPartnerKeys,
  findPartnersByKeys,
  nameKey,
  PartnerKeyModel,
  PartnerModel,
} from '../../src/modules/partners/index.js';
import { loginAs } from '../support/agent.js';
import { clearDatabase, useTestApp } from '../support/db.js';
import { buildPartner, createPartner } from '../factories/partner.js';

/** The key collection as `id → "nameKey|host"`. */
async function keyTable(): Promise<Map<string, string>> {
  const rows = await PartnerKeyModel.find().lean();
  return new Map(rows.map((k) => [String(k._id), `${k.nameKey}|${k.websiteHost ?? ''}`]));
}

/** What the key collection should hold: every partner's own keys. */
async function expectedTable(): Promise<Map<string, string>> {
  const rows = await PartnerModel.find({}, { nameKey: 1, websiteHost: 1 }).lean();
  return new Map(rows.map((p) => [String(p._id), `${p.nameKey}|${p.websiteHost ?? ''}`]));
}

const ids = (rows: { _id: Types.ObjectId }[]) => rows.map((r) => String(r._id)).sort();

describe('partner duplicate keys (the partnerkeys collection)', () => {
  const { app } = useTestApp();
  beforeEach(clearDatabase);

  it('when partners are created, inserted in bulk, edited through the form, merged, saved or updated in bulk, then the key collection equals every partner’s own keys', async () => {
    const manager = await loginAs(app(), 'manager');
    const a = await createPartner({ name: 'Mekong Cruises', website: 'https://mekong.example' });
    const b = await createPartner({ name: 'Lotus Travel' });
    await PartnerModel.insertMany([buildPartner({ name: 'Jade Hotel', website: 'jade.example' })]);
    expect(await keyTable()).to.deep.equal(await expectedTable());

    await manager
      .post(`/partners/${b._id.toHexString()}`, {
        name: 'Lotus Travel Group',
        type: 'travel_agency',
        country: 'TH',
        website: 'https://lotus-group.example',
        allianceStatus: 'member',
        confirmDuplicate: '1',
      })
      .expect(302);
    await manager
      .post(`/partners/${a._id.toHexString()}/merge`, {
        otherId: b._id.toHexString(),
        name: 'take',
        website: 'take',
      })
      .expect(302);
    expect((await PartnerModel.findById(a._id).lean())!.name).to.equal('Lotus Travel Group');

    const doc = (await PartnerModel.findById(b._id))!;
    doc.set({ nameKey: nameKey('Saved Name'), websiteHost: null });
    await doc.save();
    await PartnerModel.updateMany(
      { country: 'TH', name: 'Jade Hotel' },
      { $set: { nameKey: nameKey('Jade Hotel Bangkok'), websiteHost: 'jade-bkk.example' } },
    );
    expect(await keyTable()).to.deep.equal(await expectedTable());
    expect([...(await keyTable()).values()]).to.include('jadehotelbangkok|jade-bkk.example');
  });

  it('when a database holds partners without keys, then the backfill adds them and keeps the keys written since', async () => {
    const raw = [
      buildPartner({ name: 'Old One' }),
      buildPartner({ name: 'Old Two', website: 'two.example' }),
    ];
    await PartnerModel.collection.insertMany(raw.map((p) => ({ ...p })));
    const fresh = await createPartner({ name: 'Fresh' });
    await PartnerKeyModel.updateOne({ _id: fresh._id }, { $set: { websiteHost: 'kept.example' } });

    // Only the two without keys are added; the key written since is kept as it is.
    expect(await backfillPartnerKeys()).to.equal(2);
    const table = await keyTable();
    expect(table.size).to.equal(3);
    expect(table.get(String(fresh._id))).to.equal('fresh|kept.example');
    expect([...table.values()]).to.include.members(['oldone|', 'oldtwo|two.example']);
  });

  it('when asked for a few keys, many keys, more than eight matches or a stale key document, then it returns exactly the partners (archived too) whose own keys match', async () => {
    const archived = await createPartner({ name: 'Siam Tours', archivedAt: new Date() });
    const live = await createPartner({ name: 'SIAM tours', website: 'https://siam.example' });
    const byHost = await createPartner({ name: 'Other Name', website: 'http://www.siam.example/x' });
    const stale = await createPartner({ name: 'Renamed Later' });
    await PartnerModel.collection.updateOne({ _id: stale._id }, { $set: { nameKey: 'somethingelse' } });
    const many = await PartnerModel.insertMany(
      Array.from({ length: 12 }, (_, i) => buildPartner({ name: `Bulk ${i}` })),
    );
    const fields = { name: 1, archivedAt: 1 };
    type Found = { _id: Types.ObjectId; archivedAt: Date | null };

    // Few lookups: one equality query each.
    const few = await findPartnersByKeys(['siamtours'], ['siam.example'], fields);
    expect(ids(few)).to.deep.equal(ids([archived, live, byHost]));

    // Many lookups: through the key collection; the stale key document is not a match.
    const padding = Array.from({ length: 10 }, (_, i) => `nothing${i}`);
    const viaKeys = await findPartnersByKeys<Found>(
      ['siamtours', 'renamedlater', ...padding],
      ['siam.example'],
      fields,
    );
    expect(ids(viaKeys)).to.deep.equal(ids([archived, live, byHost]));
    expect(viaKeys.find((p) => String(p._id) === String(archived._id))!.archivedAt).to.be.instanceOf(Date);

    // More than eight matches: fetched with one `$in`.
    const bulk = await findPartnersByKeys(
      many.map((p) => p.nameKey),
      [],
      fields,
    );
    expect(ids(bulk)).to.deep.equal(ids(many));
  });
});
