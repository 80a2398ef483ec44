import { expect } from 'chai';
import { PartnerModel } from '../../src/modules/partners/index.js';
import { loginAs } from '../support/agent.js';
import { useTestApp } from '../support/db.js';

describe('NUL characters in input', () => {
  const { app } = useTestApp();

  it('when a form field, a multipart field or a query holds a NUL character, then 400 with a clear message and nothing is stored', async () => {
    const { agent, post, csrf } = await loginAs(app(), 'manager');
    const form = await post('/partners', {
      name: 'Golden\u0000Dragon',
      type: 'airline',
      country: 'TH',
    }).expect(400);
    expect(form.text).to.contain('NUL character');
    await agent
      .post('/partners')
      .field('_csrf', csrf)
      .field('name', 'A\u0000B')
      .field('type', 'airline')
      .expect(400);
    await agent.get('/partners?q=gold%00en').expect(400);
    expect(await PartnerModel.countDocuments()).to.equal(0);
    // The same request without the NUL goes through.
    await post('/partners', { name: 'Golden Dragon', type: 'airline', country: 'TH' }).expect(302);
  });
});
