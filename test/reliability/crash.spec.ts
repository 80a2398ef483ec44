import { expect } from 'chai';
import { connectDatabase, disconnectDatabase } from '../../src/lib/db/index.js';
import { SYSTEM } from '../../src/modules/audit/index.js';
import { createToken } from '../../src/modules/api/index.js';
import { InteractionModel } from '../../src/modules/interactions/index.js';
import { PartnerModel } from '../../src/modules/partners/index.js';
import { createPartner } from '../factories/partner.js';
import { createUser } from '../factories/user.js';
import { newDatabaseName, testDatabaseUri } from '../support/db.js';
import { cleanUpApps, Client, dropDatabases, sleep, startApp } from './support.js';

const CLIENTS = 4;
/** Integrations writing through the JSON API with an Idempotency-Key on every create. */
const API_CLIENTS = 2;

interface ApiWrite {
  key: string;
  path: string;
  body: Record<string, string>;
  /** The id of the created record, once a 2xx said so. */
  id?: string;
}

async function apiPost(
  base: string,
  token: string,
  w: ApiWrite,
): Promise<{ status: number; id?: string; replayed: boolean; code?: string }> {
  const res = await fetch(`${base}/api/v1${w.path}`, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${token}`,
      'Content-Type': 'application/json',
      'Idempotency-Key': w.key,
    },
    body: JSON.stringify(w.body),
    signal: AbortSignal.timeout(20_000),
  });
  const json = (await res.json()) as { data?: { id?: string }; error?: { code?: string } };
  return {
    status: res.status,
    id: json.data?.id,
    replayed: res.headers.get('idempotent-replayed') === 'true',
    code: json.error?.code,
  };
}

interface Outcome {
  partners: { acked: string[]; tried: string[] };
  interactions: { acked: string[]; tried: string[] };
}

describe('reliability: kill -9 in the middle of writes', function () {
  this.timeout(180_000);
  const databases: string[] = [];

  after(async () => {
    cleanUpApps();
    await disconnectDatabase();
    await dropDatabases(databases);
  });

  it('when the app is killed with SIGKILL while several clients create partners and interactions, then after a restart on the same database every acknowledged write is there exactly once and none is doubled', async () => {
    const dbName = newDatabaseName();
    databases.push(dbName);
    const uri = testDatabaseUri(dbName);
    await connectDatabase(uri);
    const admin = await createUser({ role: 'admin' });
    const targets = await Promise.all(
      Array.from({ length: CLIENTS }, (_, i) => createPartner({ name: `Crash target ${i}` })),
    );

    const first = await startApp({ mongodbUri: uri });
    const clients = await Promise.all(
      targets.map(async () => {
        const c = new Client(first.base);
        await c.login(admin.email, admin.password).catch((err: Error) => {
          throw new Error(`${err.message}\n${first.logs().join('\n')}`);
        });
        return c;
      }),
    );

    let stop = false;
    const outcome: Outcome = { partners: { acked: [], tried: [] }, interactions: { acked: [], tried: [] } };
    const drive = async (client: Client, n: number): Promise<void> => {
      const pid = targets[n]!._id.toHexString();
      for (let i = 0; !stop; i++) {
        const name = `Crash ${n}-${i} ${Math.random().toString(36).slice(2, 8)}`;
        try {
          if (i % 2 === 0) {
            outcome.partners.tried.push(name);
            const res = await client.post('/partners', {
              name,
              type: 'hotel',
              country: 'TH',
              confirmDuplicate: '1',
            });
            if (res.status === 302 && /^\/partners\/[0-9a-f]{24}$/.test(res.location ?? ''))
              outcome.partners.acked.push(name);
          } else {
            outcome.interactions.tried.push(name);
            const res = await client.post(`/partners/${pid}/interactions`, {
              kind: 'meeting',
              summary: name,
            });
            if (res.status === 302) outcome.interactions.acked.push(name);
          }
        } catch {
          // The server is gone: this client stops.
          return;
        }
      }
    };
    const { token } = await createToken(admin, 'crash integration', SYSTEM);
    const apiWrites: ApiWrite[] = [];
    const driveApi = async (n: number): Promise<void> => {
      const pid = targets[n]!._id.toHexString();
      for (let i = 0; !stop; i++) {
        const name = `Crash api ${n}-${i} ${Math.random().toString(36).slice(2, 8)}`;
        const w: ApiWrite =
          i % 2 === 0
            ? {
                key: `crash-${n}-${i}`,
                path: '/partners',
                body: { name, type: 'hotel', country: 'TH', confirmDuplicate: '1' },
              }
            : {
                key: `crash-${n}-${i}`,
                path: '/interactions',
                body: { partner: pid, kind: 'call', summary: name },
              };
        apiWrites.push(w);
        try {
          const res = await apiPost(first.base, token, w);
          if (res.status === 201) w.id = res.id;
        } catch {
          return;
        }
      }
    };
    const driving = [
      ...clients.map((c, n) => drive(c, n)),
      ...Array.from({ length: API_CLIENTS }, (_, n) => driveApi(n)),
    ];
    // Let a good number of writes through, then pull the plug without warning.
    const deadline = Date.now() + 20_000;
    while (outcome.partners.acked.length + outcome.interactions.acked.length < 40 && Date.now() < deadline)
      await sleep(50);
    first.child.kill('SIGKILL');
    const { signal } = await first.exited;
    stop = true;
    await Promise.all(driving);
    expect(signal).to.equal('SIGKILL');
    expect(outcome.partners.acked.length + outcome.interactions.acked.length).to.be.greaterThan(20);

    const second = await startApp({ mongodbUri: uri });
    // Sessions live in the database: a client signed in before the crash is still signed in.
    const again = new Client(second.base);
    again.cookies = clients[0]!.cookies;
    expect((await again.get('/partners')).status).to.equal(200);

    // The integrations retry every write with its key, as a client does after a lost answer:
    // an acknowledged one is replayed with the same id, one that never answered runs now
    // (or, cut off after its claim, is reported as interrupted), none runs twice.
    const retries = { replayed: 0, ranNow: 0, interrupted: 0 };
    const apiWrong: string[] = [];
    for (const w of apiWrites) {
      const res = await apiPost(second.base, token, w);
      if (res.status === 201 && res.replayed) {
        retries.replayed += 1;
        if (w.id && res.id !== w.id) apiWrong.push(`${w.key}: replayed id ${res.id} ≠ ${w.id}`);
        w.id = res.id;
      } else if (res.status === 201) {
        retries.ranNow += 1;
        if (w.id) apiWrong.push(`${w.key}: acknowledged before the crash, ran again after it`);
        w.id = res.id;
      } else if (res.status === 409 && res.code === 'idempotency_interrupted' && !w.id) {
        retries.interrupted += 1;
      } else if (res.status === 409 && res.code === 'idempotency_in_progress' && !w.id) {
        // Claimed less than a minute before the kill: a later retry would say interrupted.
        retries.interrupted += 1;
      } else apiWrong.push(`${w.key}: ${res.status} ${res.code ?? ''}`);
    }
    expect(apiWrong).to.deep.equal([]);
    expect(retries.replayed).to.be.greaterThan(0);

    const partnerCounts = new Map<string, number>();
    for (const p of (await PartnerModel.find({}, { name: 1 }).lean()).filter((p) =>
      /^Crash (api )?\d/.test(p.name),
    ))
      partnerCounts.set(p.name, (partnerCounts.get(p.name) ?? 0) + 1);
    const interactionCounts = new Map<string, number>();
    for (const x of (await InteractionModel.find({}, { summary: 1 }).lean()).filter((x) =>
      /^Crash (api )?\d/.test(x.summary),
    ))
      interactionCounts.set(x.summary, (interactionCounts.get(x.summary) ?? 0) + 1);

    const apiCounts = (w: ApiWrite) =>
      (w.path === '/partners' ? partnerCounts : interactionCounts).get(w.body.name ?? w.body.summary!) ?? 0;
    const apiLost = apiWrites.filter((w) => w.id && apiCounts(w) !== 1).map((w) => w.key);
    const apiDoubled = apiWrites.filter((w) => apiCounts(w) > 1).map((w) => w.key);
    expect(
      apiLost,
      'API writes acknowledged (before or after the restart) but not stored once',
    ).to.deep.equal([]);
    expect(apiDoubled, 'API writes stored twice').to.deep.equal([]);
    const apiNames = new Set(apiWrites.map((w) => w.body.name ?? w.body.summary!));

    const lost = [
      ...outcome.partners.acked.filter((n) => partnerCounts.get(n) !== 1),
      ...outcome.interactions.acked.filter((n) => interactionCounts.get(n) !== 1),
    ];
    const doubled = [...partnerCounts, ...interactionCounts].filter(([, c]) => c > 1).map(([n]) => n);
    const unknown = [...partnerCounts.keys()].filter(
      (n) => !outcome.partners.tried.includes(n) && !apiNames.has(n),
    );
    expect(lost, 'acknowledged writes missing or doubled after the restart').to.deep.equal([]);
    expect(doubled).to.deep.equal([]);
    expect(unknown).to.deep.equal([]);
    console.log(
      `      crash: ${outcome.partners.acked.length} partner and ${outcome.interactions.acked.length} interaction writes acknowledged before kill -9; ` +
        `${outcome.partners.tried.length + outcome.interactions.tried.length} tried; all acknowledged present once`,
    );
    console.log(
      `      crash: ${apiWrites.length} API creates with Idempotency-Key; retried after restart: ` +
        `${retries.replayed} replayed, ${retries.ranNow} ran for the first time, ${retries.interrupted} cut off mid-request (not re-run); none stored twice`,
    );
    second.child.kill('SIGTERM');
    expect((await second.exited).code).to.equal(0);
  });
});
