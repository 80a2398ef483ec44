import { expect } from 'chai';
import mongoose from 'mongoose';
import { startBaseline } from '../../scripts/bench/baseline.js';
import { generate, random } from '../../scripts/bench/generate.js';
import { ContactModel } from '../../src/modules/contacts/index.js';
import { InteractionModel } from '../../src/modules/interactions/index.js';
import { PartnerModel } from '../../src/modules/partners/index.js';
import { createUser } from '../factories/user.js';
import { loginAs } from '../support/agent.js';
import { useTestApp } from '../support/db.js';

// A tiny-scale run of the benchmark's pieces so `npm run bench` cannot rot; timings are
// measured by the bench itself, never asserted here.
describe('benchmark smoke run', () => {
  const { app } = useTestApp();

  it('the generator is deterministic for a seed', () => {
    const a = random(7);
    const b = random(7);
    expect([a(), a(), a()]).to.deep.equal([b(), b(), b()]);
    expect(random(8)()).to.not.equal(random(7)());
  });

  it('generates partners, contacts and skewed interactions the app can list and search', async () => {
    const owner = await createUser({ role: 'coordinator' });
    const result = await generate({ scale: 0.0005, seed: 1, users: [owner._id] });
    expect(result.counts).to.deep.equal({
      partners: 50,
      contacts: 150,
      interactions: 500,
      agreements: 20,
      cases: 25,
      markets: 4,
      actuals: 144,
    });
    expect(await PartnerModel.countDocuments()).to.equal(50);
    expect(await ContactModel.countDocuments()).to.equal(150);
    expect(await InteractionModel.countDocuments()).to.equal(500);
    // Skewed: the busiest partner has far more than the average of 10 interactions.
    expect(await InteractionModel.countDocuments({ partner: result.busiestPartner })).to.be.greaterThan(50);
    // lastInteractionAt matches the newest interaction, as the app keeps it.
    const newest = await InteractionModel.findOne({ partner: result.busiestPartner })
      .sort({ occurredAt: -1 })
      .lean();
    const busiest = await PartnerModel.findById(result.busiestPartner).lean();
    expect(busiest!.lastInteractionAt!.getTime()).to.equal(newest!.occurredAt.getTime());

    const { agent } = await loginAs(app(), 'manager');
    const list = await agent.get('/partners?sort=name').expect(200);
    expect(list.text).to.contain('/partners/');
    const search = await agent
      .get(`/partners?q=${encodeURIComponent(busiest!.name.split(' ')[0]!)}`)
      .expect(200);
    expect(search.text).to.contain(busiest!.name.split(' ')[0]);
    await agent.get(`/partners/${String(result.busiestPartner)}`).expect(200);
    // Agreements, cases and the doubling plan are valid as the app stores them: the board, the
    // case queue, a case, a market and every dashboard tile render them.
    expect((await agent.get('/agreements/board').expect(200)).text).to.match(/\/agreements\/[0-9a-f]{24}/);
    const queue = await agent.get('/cases?scope=all&status=').expect(200);
    const caseLink = /\/cases\/[0-9a-f]{24}/.exec(queue.text);
    expect(caseLink).to.not.equal(null);
    await agent.get(caseLink![0]).expect(200);
    const market = /\/targets\/[0-9a-f]{24}/.exec((await agent.get('/targets').expect(200)).text);
    await agent.get(market![0]).expect(200);
    const home = (await agent.get('/').expect(200)).text;
    // Each data tile rendered its figures (a failed tile shows an error box instead).
    const tile = (key: string) => home.slice(home.indexOf(`id="tile-${key}"`)).split('</section>')[0]!;
    expect(tile('agreements-pipeline')).to.contain('href="/agreements?stage=');
    expect(tile('agreements-expiring')).to.not.contain('tile-error');
    expect(tile('cases-sla')).to.contain('href="/cases?scope=all');
    expect(tile('targets')).to.match(/href="\/targets\/[0-9a-f]{24}"/);
  });

  it('the raw-driver baseline renders the same list template', async () => {
    // Uses the data set the previous test generated (seed 1 always has Thai partners).
    const partner = await PartnerModel.findOne({ country: 'TH', archivedAt: null })
      .sort({ sortName: 1 })
      .lean();
    expect(partner).to.not.equal(null);
    const baseline = await startBaseline(mongoose.connection.db!, { country: 'TH' });
    try {
      const res = await fetch(`http://127.0.0.1:${baseline.port}/`);
      const html = await res.text();
      expect(res.status).to.equal(200);
      expect(html).to.contain('<main');
      expect(html).to.contain(`/partners/${String(partner!._id)}`);
    } finally {
      await baseline.close();
    }
  });
});
