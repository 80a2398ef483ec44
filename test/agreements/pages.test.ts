import { expect } from 'chai';
import { loginAs, type LoggedIn } from '../support/agent.js';
import { useTestApp } from '../support/db.js';
import { createAgreement } from '../factories/agreement.js';
import { createEvent } from '../factories/event.js';
import { createPartner } from '../factories/partner.js';

describe('agreements: every page renders', () => {
  const { app } = useTestApp();
  let manager: LoggedIn;

  before(async () => {
    manager = await loginAs(app(), 'manager');
  });

  it('when a manager opens the list, board, metrics, new, show, edit and stage pages, then each answers 200 with the agreement shown', async () => {
    const partner = await createPartner({ name: 'Bangkok Cruise Co', country: 'TH' });
    const event = await createEvent({ name: 'Global Partners Conference' });
    const a = await createAgreement({
      title: 'Cruise channel 2026',
      partners: [partner],
      owner: manager.user._id,
      stage: 'active',
      value: { amount: 120000, currency: 'THB' },
      event: event._id,
    });
    const id = a._id.toHexString();
    for (const path of [
      '/agreements',
      '/agreements/board',
      '/agreements/metrics',
      '/agreements/new',
      `/agreements/new?partner=${partner._id.toHexString()}`,
      `/agreements/${id}`,
      `/agreements/${id}/edit`,
      `/agreements/${id}/stage?to=expired`,
      `/partners/${partner._id.toHexString()}`,
      `/events/${event._id.toHexString()}`,
    ]) {
      const res = await manager.agent.get(path);
      expect(res.status, `${path}: ${res.text.slice(0, 2000)}`).to.equal(200);
      if (!path.includes('/new') && !path.includes('metrics'))
        expect(res.text, path).to.contain('Cruise channel 2026');
    }
  });
});
