import { expect } from 'chai';
import { clearShortCache } from '../../src/lib/short-cache.js';
import { startTileWarmer, stopTileWarmer, warmSharedTiles } from '../../src/modules/home/index.js';
import { AgreementModel } from '../../src/modules/agreements/agreement.model.js';
import { loginAs, type LoggedIn } from '../support/agent.js';
import { captureCommands, type CapturedCommand } from '../support/commands.js';
import { clearDatabase, useTestApp } from '../support/db.js';
import { createAgreement } from '../factories/agreement.js';
import { createPartner } from '../factories/partner.js';

// The collections only the management (shared) tiles read.
const SHARED_ONLY = ['cases', 'agreements', 'targetmarkets', 'targetactuals'];

/** "count cases"-style labels of the commands that touched the shared tiles' collections. */
function sharedReads(commands: CapturedCommand[]): string[] {
  return commands
    .map((c) => `${c.name} ${String(c.command[c.name])}`)
    .filter((label) => SHARED_ONLY.includes(label.split(' ')[1]!));
}

describe('dashboard tile warmer', () => {
  const { app } = useTestApp({ monitorCommands: true });
  const viewers: LoggedIn[] = [];

  before(async () => {
    await clearDatabase();
    viewers.push(
      await loginAs(app(), 'manager'),
      await loginAs(app(), 'admin'),
      await loginAs(app(), 'manager', { locale: 'zh-CN' }),
    );
    const partner = await createPartner();
    await createAgreement({ partners: [partner], stage: 'negotiation' });
  });

  beforeEach(() => clearShortCache());

  it('after warming, the first dashboard view of managers and admins in either language reads none of the management tiles’ collections', async () => {
    const cold = await captureCommands(() => viewers[0]!.agent.get('/').expect(200));
    expect(sharedReads(cold.commands), 'a cold view loads the management tiles').to.include(
      'aggregate cases',
    );

    clearShortCache();
    await warmSharedTiles();
    for (const viewer of viewers) {
      const { result, commands } = await captureCommands(() => viewer.agent.get('/').expect(200));
      expect(sharedReads(commands), viewer.user.email).to.deep.equal([]);
      expect(result.text).to.include('id="tile-agreements-pipeline"');
    }
  });

  it('loads a tile that is the same for every role and language once, not once per role and language', async () => {
    const { commands } = await captureCommands(() => warmSharedTiles());
    // The service-level tile counts open, breached and at-risk cases (countDocuments is an
    // aggregate): three per load.
    expect(sharedReads(commands).filter((c) => c === 'aggregate cases')).to.have.length(3);
  });

  it('a second warm-up while the tiles are fresh reads nothing; after a write it reloads only the tiles of that data', async () => {
    await warmSharedTiles();
    const again = await captureCommands(() => warmSharedTiles());
    expect(again.commands.map((c) => c.name)).to.deep.equal([]);

    await AgreementModel.updateMany({}, { $set: { title: 'Renamed for the warmer' } });
    const afterWrite = await captureCommands(() => warmSharedTiles());
    const reads = sharedReads(afterWrite.commands);
    expect(reads.some((r) => r.endsWith(' agreements'))).to.equal(true);
    expect(reads.filter((r) => !r.endsWith(' agreements'))).to.deep.equal([]);
  });

  it('startTileWarmer (at boot) warms at once and resolves when done; a second start does nothing until it is stopped', async () => {
    try {
      const first = await startTileWarmer();
      expect(first).to.be.greaterThan(0);
      const { commands } = await captureCommands(() => viewers[1]!.agent.get('/').expect(200));
      expect(sharedReads(commands)).to.deep.equal([]);
      clearShortCache();
      const second = await captureCommands(() => startTileWarmer());
      expect(second.result).to.equal(0);
      expect(second.commands).to.deep.equal([]);
    } finally {
      stopTileWarmer();
    }
    try {
      expect(await startTileWarmer(), 'started again after a stop').to.be.greaterThan(0);
    } finally {
      stopTileWarmer();
    }
  });
});
