import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import {
  connectDatabase,
  disconnectDatabase,
  startLauncher,
  type RunningLauncher,
} from '../../src/lib/db/index.js';
import { createUser } from '../factories/user.js';
import { freePort } from '../support/net.js';
import { cleanUpApps, Client, sleep, startApp, waitFor } from './support.js';

/** No request may hang: each must be answered within this (the client aborts after it). */
const ANSWER_WITHIN_MS = 15_000;

describe('reliability: the database goes away and comes back', function () {
  this.timeout(240_000);
  let launcher: RunningLauncher | undefined;
  let sqliteDir = '';

  after(async () => {
    cleanUpApps();
    await launcher?.stop();
    if (sqliteDir) rmSync(sqliteDir, { recursive: true, force: true });
  });

  it('when the FerretDB launcher stops mid-run, then /healthz and pages answer 503 (a friendly page) without hanging or crashing, and the app recovers by itself when it is back', async () => {
    sqliteDir = mkdtempSync(join(tmpdir(), 'alliance-crm-outage-'));
    const port = await freePort();
    const start = () => startLauncher({ port, sqliteDir });
    launcher = await start();
    const uri = `mongodb://127.0.0.1:${port}/outage`;
    await connectDatabase(uri);
    const admin = await createUser({ role: 'admin' });
    await disconnectDatabase();

    const app = await startApp({ mongodbUri: uri });
    const client = new Client(app.base);
    await client.login(admin.email, admin.password);
    expect((await client.get('/partners')).status).to.equal(200);

    await launcher.stop();
    const outageStarted = Date.now();
    const seen: number[] = [];
    // Keep asking during the outage; every answer must come in time (fetch aborts otherwise).
    const health = await waitFor(
      'healthz 503',
      async () => {
        const res = await client.get('/healthz', ANSWER_WITHIN_MS);
        seen.push(res.status);
        return res.status === 503 ? res : null;
      },
      60_000,
    );
    expect(JSON.parse(health.text)).to.deep.equal({ status: 'unavailable' });
    const page = await waitFor(
      'a 503 page',
      async () => {
        const res = await client.get('/partners', ANSWER_WITHIN_MS);
        seen.push(res.status);
        return res.status === 503 ? res : null;
      },
      60_000,
    );
    expect(page.text).to.contain('its database is unavailable');
    expect(page.headers.get('retry-after')).to.equal('5');
    const write = await client.post(
      '/partners',
      { name: 'During the outage', type: 'hotel', country: 'VN' },
      ANSWER_WITHIN_MS,
    );
    seen.push(write.status);
    expect(write.status).to.equal(503);
    for (let i = 0; i < 5; i++) {
      const res = await client.get(i % 2 ? '/partners' : '/', ANSWER_WITHIN_MS);
      seen.push(res.status);
      expect(res.status).to.equal(503);
    }
    expect(app.child.exitCode, 'the app must not exit while the database is away').to.equal(null);
    const outageMs = Date.now() - outageStarted;
    await sleep(2000);

    launcher = await start();
    const back = Date.now();
    await waitFor(
      'healthz 200 again',
      async () => (await client.get('/healthz', ANSWER_WITHIN_MS)).status === 200,
      90_000,
    );
    const recoveredMs = Date.now() - back;
    // The session stored before the outage still works, and writes go through again.
    expect((await client.get('/partners')).status).to.equal(200);
    const created = await client.post('/partners', {
      name: 'After the outage',
      type: 'hotel',
      country: 'VN',
    });
    expect(created.status).to.equal(302);
    expect(
      seen.filter((s) => s >= 500 && s !== 503),
      `statuses during the outage: ${seen.join(',')}`,
    ).to.deep.equal([]);
    console.log(
      `      outage: ${seen.length} requests during ${Math.round(outageMs / 1000)} s of outage, all answered (503 or 200 before the driver noticed); recovered ${Math.round(recoveredMs / 1000)} s after the database came back`,
    );
    app.child.kill('SIGTERM');
    expect((await app.exited).code, app.stderr()).to.equal(0);
  });
});
