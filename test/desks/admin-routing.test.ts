import { expect } from 'chai';
import { AuditEntryModel } from '../../src/modules/audit/index.js';
import {
  registerOpenCaseCounter,
  routeCase,
  RoutingRuleModel,
  type Desk,
} from '../../src/modules/desks/index.js';
import { loginAs, type LoggedIn } from '../support/agent.js';
import { clearDatabase, useTestApp } from '../support/db.js';
import { createDesk, createRule } from '../factories/desk.js';
import { createUser } from '../factories/user.js';

describe('administering routing rules', () => {
  const { app } = useTestApp();
  let admin: LoggedIn;
  let chongqing: Desk;
  let thailand: Desk;

  beforeEach(async () => {
    await clearDatabase();
    admin = await loginAs(app(), 'admin');
    chongqing = await createDesk({ name: 'Chongqing desk', isDefault: true });
    thailand = await createDesk({ name: 'Thailand desk', timeZone: 'Asia/Bangkok' });
  });

  const order = async () => (await RoutingRuleModel.find({}).sort({ position: 1 }).lean()).map((r) => r.name);

  it('when the admin creates a rule, then it goes to the end of the list, matches as entered and the create is audited', async () => {
    await createRule(chongqing, { name: 'Existing' });
    await admin
      .post('/admin/routing', {
        name: 'Thai shopping',
        incidentCountry: ['th', 'LA'],
        category: 'forced_shopping',
        partnerType: ['travel_agency', 'scenic_area'],
        desk: thailand._id.toHexString(),
        assignment: 'least_open',
        enabled: '1',
      })
      .expect(302, /\/admin\/routing/);
    expect(await order()).to.deep.equal(['Existing', 'Thai shopping']);
    const rule = await RoutingRuleModel.findOne({ name: 'Thai shopping' }).lean();
    expect(rule?.incidentCountry).to.deep.equal(['TH', 'LA']);
    expect(rule?.originCountry).to.deep.equal([]);
    expect(rule?.category).to.deep.equal(['forced_shopping']);
    expect(rule?.assignment).to.equal('least_open');
    expect(rule?.enabled).to.equal(true);
    const audit = await AuditEntryModel.findOne({ action: 'routing_rule.create' }).lean();
    expect(audit?.entityId).to.equal(rule!._id.toHexString());

    const page = await admin.agent.get('/admin/routing').expect(200);
    expect(page.text).to.contain('Thai shopping').and.contain('Thailand desk').and.contain('Forced shopping');
  });

  it('when a rule has an unknown country, category or desk, then the form comes back with field errors and nothing is written', async () => {
    const res = await admin
      .post('/admin/routing', {
        name: 'Broken',
        incidentCountry: ['XX'],
        category: 'not_a_category',
        desk: thailand._id.toHexString(),
        assignment: 'none',
      })
      .expect(422);
    expect(res.text)
      .to.contain('f-incidentCountry-error')
      .and.contain('f-category-error')
      .and.contain('value="Broken"');
    const archived = await createDesk({ name: 'Closed desk', archivedAt: new Date() });
    const gone = await admin
      .post('/admin/routing', { name: 'To archived', desk: archived._id.toHexString(), assignment: 'none' })
      .expect(422);
    expect(gone.text).to.contain('id="f-desk-error"');
    await admin.post('/admin/routing', { name: 'No desk', assignment: 'none' }).expect(422);
    expect(await RoutingRuleModel.countDocuments()).to.equal(0);
  });

  it('when the admin moves a rule up, then the order and the routing outcome change, and the move is audited', async () => {
    await createRule(chongqing, { name: 'Shopping to Chongqing', category: ['forced_shopping'] });
    const thai = await createRule(thailand, { name: 'Thailand incidents', incidentCountry: ['TH'] });
    await createRule(chongqing, { name: 'Last' });
    const facts = {
      incidentCountry: 'TH',
      originCountry: 'CN',
      category: 'forced_shopping',
      partnerTypes: [],
    };
    expect((await routeCase(facts)).rule?.name).to.equal('Shopping to Chongqing');

    await admin.post(`/admin/routing/${thai._id.toHexString()}/move`, { direction: 'up' }).expect(302);
    expect(await order()).to.deep.equal(['Thailand incidents', 'Shopping to Chongqing', 'Last']);
    expect((await routeCase(facts)).rule?.name).to.equal('Thailand incidents');
    await admin.post(`/admin/routing/${thai._id.toHexString()}/move`, { direction: 'up' }).expect(302);
    expect(await order(), 'the top rule stays on top').to.deep.equal([
      'Thailand incidents',
      'Shopping to Chongqing',
      'Last',
    ]);
    await admin.post(`/admin/routing/${thai._id.toHexString()}/move`, { direction: 'down' }).expect(302);
    await admin.post(`/admin/routing/${thai._id.toHexString()}/move`, { direction: 'down' }).expect(302);
    expect(await order()).to.deep.equal(['Shopping to Chongqing', 'Last', 'Thailand incidents']);
    expect(await AuditEntryModel.countDocuments({ action: 'routing_rule.move' })).to.equal(3);
    await admin.post(`/admin/routing/${thai._id.toHexString()}/move`, { direction: 'sideways' }).expect(422);
  });

  it('when the admin disables, edits and deletes a rule, then routing follows and each write is audited', async () => {
    const rule = await createRule(thailand, { name: 'Thailand', incidentCountry: ['TH'] });
    const facts = { incidentCountry: 'TH', originCountry: 'CN', category: 'pricing', partnerTypes: [] };
    const id = rule._id.toHexString();

    await admin.post(`/admin/routing/${id}/disable`).expect(302);
    expect((await routeCase(facts)).desk.name).to.equal('Chongqing desk');
    await admin.post(`/admin/routing/${id}/enable`).expect(302);
    expect((await routeCase(facts)).desk.name).to.equal('Thailand desk');

    await admin
      .post(`/admin/routing/${id}`, {
        name: 'Thailand pricing only',
        incidentCountry: 'TH',
        category: 'transport',
        desk: thailand._id.toHexString(),
        assignment: 'none',
        enabled: '1',
      })
      .expect(302);
    expect((await routeCase(facts)).rule).to.equal(null);

    await admin.post(`/admin/routing/${id}/delete`).expect(302);
    expect(await RoutingRuleModel.countDocuments()).to.equal(0);
    const actions = (
      await AuditEntryModel.find({ entity: 'routing_rule', entityId: id }).sort({ at: 1 }).lean()
    ).map((a) => a.action);
    expect(actions).to.deep.equal([
      'routing_rule.disable',
      'routing_rule.enable',
      'routing_rule.update',
      'routing_rule.delete',
    ]);
  });

  describe('"test this rule set"', () => {
    let registered: ReturnType<typeof registerOpenCaseCounter> = null;
    beforeEach(() => {
      registered = registerOpenCaseCounter(null);
    });
    afterEach(() => registerOpenCaseCounter(registered));

    it('when the admin tests a sample case, then the page shows the rule hit, the desk and who would be assigned, and writes nothing', async () => {
      const somchai = await createUser({ role: 'complaint_officer', name: 'Somchai Officer' });
      const busy = await createUser({ role: 'complaint_officer', name: 'Busy Officer' });
      const desk = await createDesk({ name: 'Bangkok desk', members: [somchai, busy] });
      registerOpenCaseCounter(async () => new Map([[busy._id.toHexString(), 4]]));
      await createRule(chongqing, { name: 'Vietnam', incidentCountry: ['VN'] });
      await createRule(thailand, { name: 'Off rule', enabled: false });
      await createRule(desk, { name: 'Thai shopping', incidentCountry: ['TH'], assignment: 'least_open' });
      await createRule(chongqing, { name: 'Catch-all' });
      const audits = await AuditEntryModel.countDocuments();

      const res = await admin.agent
        .get(
          '/admin/routing/test?incidentCountry=th&originCountry=CN&category=forced_shopping&partnerType=hotel',
        )
        .expect(200);
      expect(res.text).to.match(/data-test="rule">Thai shopping</);
      expect(res.text).to.match(/data-test="desk">Bangkok desk</);
      expect(res.text).to.match(/data-test="assignee">Somchai Officer</);
      expect(res.text).to.contain('No match').and.contain('Not reached').and.contain('Disabled');
      expect(res.text, 'the sample stays in the form').to.match(/value="TH" selected/);
      expect(await AuditEntryModel.countDocuments()).to.equal(audits);
    });

    it('when no rule matches the sample, then the page names the default desk', async () => {
      await createRule(thailand, { name: 'Thailand', incidentCountry: ['TH'] });
      const res = await admin.agent
        .get('/admin/routing/test?incidentCountry=SG&category=pricing')
        .expect(200);
      expect(res.text)
        .to.contain('No rule matched')
        .and.match(/data-test="desk">Chongqing desk</);
      expect(res.text).to.match(/data-test="assignee">Nobody/);
    });

    it('when the sample holds an unknown country, then the request is refused (400)', async () => {
      await admin.agent.get('/admin/routing/test?incidentCountry=ZZ').expect(400);
    });
  });

  it('when a rule name holds HTML, then the list, the test result and the edit form show it escaped', async () => {
    const evil = '<img src=x onerror=alert(1)>';
    const rule = await createRule(thailand, { name: evil });
    for (const url of [
      '/admin/routing',
      '/admin/routing/test?category=pricing',
      `/admin/routing/${rule._id.toHexString()}/edit`,
    ]) {
      const res = await admin.agent.get(url).expect(200);
      expect(res.text, url).not.to.contain(evil);
      expect(res.text, url).to.contain('&lt;img src=x onerror=alert(1)&gt;');
    }
  });

  it('when anyone but an admin opens, tests or changes the rules, then they get 403 and nothing changes', async () => {
    const rule = await createRule(thailand, { name: 'Thailand' });
    for (const role of ['manager', 'coordinator', 'complaint_officer', 'staff'] as const) {
      const user = await loginAs(app(), role);
      await user.agent.get('/admin/routing').expect(403);
      await user.agent.get('/admin/routing/test?category=pricing').expect(403);
      await user
        .post('/admin/routing', { name: 'x', desk: thailand._id.toHexString(), assignment: 'none' })
        .expect(403);
      await user.post(`/admin/routing/${rule._id.toHexString()}/delete`).expect(403);
      await user.post(`/admin/routing/${rule._id.toHexString()}/move`, { direction: 'down' }).expect(403);
    }
    expect(await order()).to.deep.equal(['Thailand']);
  });
});

describe('desk and routing pages in Chinese', () => {
  const { app } = useTestApp();
  beforeEach(clearDatabase);

  it('when a zh-CN admin opens every desk and routing page, then they render in Chinese', async () => {
    const admin = await loginAs(app(), 'admin', { locale: 'zh-CN' });
    const desk = await createDesk({ name: 'Chongqing desk', isDefault: true });
    const rule = await createRule(desk, { name: 'Rule', category: ['pricing'] });
    const pages: [string, string][] = [
      ['/admin/desks', '投诉受理台'],
      ['/admin/desks/new', '新建投诉受理台'],
      [`/admin/desks/${desk._id.toHexString()}/edit`, '服务时限'],
      ['/admin/routing', '分派规则'],
      ['/admin/routing/test?category=pricing', '命中规则'],
      ['/admin/routing/new', '新建分派规则'],
      [`/admin/routing/${rule._id.toHexString()}/edit`, '目标受理台'],
    ];
    for (const [url, text] of pages) {
      const res = await admin.agent.get(url).expect(200);
      expect(res.text, url).to.contain(text);
    }
  });
});
