import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import type { Express } from 'express';
import request from 'supertest';
import { AuditEntryModel, SYSTEM } from '../../src/modules/audit/index.js';
import {
  createToken,
  IDEMPOTENCY_TTL_MS,
  IDEMPOTENCY_WAIT,
  IdempotencyKeyModel,
  purgeIdempotencyKeys,
} from '../../src/modules/api/index.js';
import { API_ROUTES } from '../../src/modules/api/api.routes.js';
import { InteractionModel } from '../../src/modules/interactions/index.js';
import { PartnerModel } from '../../src/modules/partners/index.js';
import { clearDatabase, useTestApp } from '../support/db.js';
import { createPartner } from '../factories/partner.js';
import { createUser, type TestUser } from '../factories/user.js';
import { concretePath } from '../support/pages.js';

interface Caller {
  user: TestUser;
  post: (path: string, body: object, key?: string) => request.Test;
}

async function caller(app: Express, role: 'admin' | 'coordinator' = 'admin'): Promise<Caller> {
  const user = await createUser({ role });
  const { token } = await createToken(user, 'idempotency', SYSTEM);
  return {
    user,
    post: (path, body, key) => {
      const req = request(app).post(`/api/v1${path}`).set('Authorization', `Bearer ${token}`);
      return (key === undefined ? req : req.set('Idempotency-Key', key)).send(body);
    },
  };
}

/** Hang-ups tried, 4 ms apart: some land while the create runs. */
const HANG_UPS = 12;
const partnerBody = { name: 'Saigontourist', type: 'travel_agency', country: 'VN' };

describe('JSON API: Idempotency-Key on POST', () => {
  const { app } = useTestApp();
  const defaultWait = { ...IDEMPOTENCY_WAIT };

  beforeEach(async () => {
    await clearDatabase();
  });
  afterEach(() => Object.assign(IDEMPOTENCY_WAIT, defaultWait));

  it('when a create is retried with the same key and body, then the stored answer comes back marked as replayed and one partner and one audit entry exist', async () => {
    const api = await caller(app());
    const first = await api.post('/partners', partnerBody, 'key-1').expect(201);
    expect(first.headers['idempotent-replayed']).to.equal(undefined);
    // The same document with its keys in another order is the same request.
    const again = await api
      .post('/partners', { country: 'VN', type: 'travel_agency', name: 'Saigontourist' }, 'key-1')
      .expect(201);
    expect(again.headers['idempotent-replayed']).to.equal('true');
    expect(again.headers.location).to.equal(first.headers.location);
    expect(again.body).to.deep.equal(first.body);
    expect(await PartnerModel.countDocuments({ name: 'Saigontourist' })).to.equal(1);
    expect(await AuditEntryModel.countDocuments({ action: 'partner.create' })).to.equal(1);
  });

  it('when the same key comes with another body or another path, then it is refused with 422 and nothing is written', async () => {
    const api = await caller(app());
    await api.post('/partners', partnerBody, 'key-2').expect(201);
    const other = await api.post('/partners', { ...partnerBody, name: 'Vietravel' }, 'key-2').expect(422);
    expect(other.body.error.code).to.equal('idempotency_key_reused');
    expect(other.body.error.message).to.contain('different request');
    const event = await api.post('/events', { name: 'Fair', startsAt: '2026-05-01' }, 'key-2').expect(422);
    expect(event.body.error.code).to.equal('idempotency_key_reused');
    expect(await PartnerModel.countDocuments({})).to.equal(1);
  });

  it('when several requests with one key race, then the create runs once and every other answer is its replay or a 409 in progress', async () => {
    const api = await caller(app());
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => api.post('/partners', partnerBody, 'race-key')),
    );
    const created = answers.filter((r) => r.status === 201 && !r.headers['idempotent-replayed']);
    expect(created, answers.map((r) => `${r.status} ${r.text}`).join(',')).to.have.length(1);
    for (const r of answers) {
      if (r.status === 201) expect(r.body.data.id).to.equal(created[0]!.body.data.id);
      else {
        expect(r.status, r.text).to.equal(409);
        expect(r.body.error.code).to.equal('idempotency_in_progress');
      }
    }
    expect(await PartnerModel.countDocuments({})).to.equal(1);
  });

  it('when the first request with a key is still running, then a retry waits and then answers 409 with Retry-After', async () => {
    const api = await caller(app());
    Object.assign(IDEMPOTENCY_WAIT, { ms: 300, pollMs: 50 });
    const now = new Date();
    await IdempotencyKeyModel.create({
      user: api.user._id,
      key: 'busy',
      fingerprint: 'x',
      state: 'running',
      createdAt: now,
      expiresAt: new Date(now.getTime() + IDEMPOTENCY_TTL_MS),
    });
    // The fingerprint differs: a mismatch is answered at once, whatever the state.
    expect((await api.post('/partners', partnerBody, 'busy').expect(422)).body.error.code).to.equal(
      'idempotency_key_reused',
    );
    const doc = await IdempotencyKeyModel.findOne({ key: 'busy' }).lean();
    await api.post('/partners', partnerBody, 'probe').expect(201);
    const probe = await IdempotencyKeyModel.findOne({ key: 'probe' }).lean();
    await IdempotencyKeyModel.updateOne({ _id: doc!._id }, { $set: { fingerprint: probe!.fingerprint } });
    const res = await api.post('/partners', partnerBody, 'busy').expect(409);
    expect(res.body.error.code).to.equal('idempotency_in_progress');
    expect(res.headers['retry-after']).to.equal('1');
    expect(await PartnerModel.countDocuments({})).to.equal(1);
  });

  it('when a request with the key was cut off long ago (crash), then a retry is not run again but told the outcome is unknown', async () => {
    const api = await caller(app());
    await api.post('/partners', partnerBody, 'probe').expect(201);
    const probe = await IdempotencyKeyModel.findOne({ key: 'probe' }).lean();
    const then = new Date(Date.now() - 5 * 60_000);
    await IdempotencyKeyModel.create({
      user: api.user._id,
      key: 'cut-off',
      fingerprint: probe!.fingerprint,
      state: 'running',
      createdAt: then,
      expiresAt: new Date(then.getTime() + IDEMPOTENCY_TTL_MS),
    });
    const res = await api.post('/partners', partnerBody, 'cut-off').expect(409);
    expect(res.body.error.code).to.equal('idempotency_interrupted');
    expect(await PartnerModel.countDocuments({})).to.equal(1);
  });

  it('when the client hangs up before the answer and retries with the key, then the create is not run twice', async () => {
    const api = await caller(app());
    const server = app().listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    try {
      const { port } = server.address() as AddressInfo;
      const { token } = await createToken(api.user, 'hang up', SYSTEM);
      // Hanging up at once, a little later, later still: before, during or after the create.
      for (let i = 0; i < HANG_UPS; i++) {
        const body = { ...partnerBody, name: `Hang up ${i}` };
        const text = JSON.stringify(body);
        await new Promise<void>((resolve) => {
          const req = httpRequest({
            host: '127.0.0.1',
            port,
            method: 'POST',
            path: '/api/v1/partners',
            headers: {
              Authorization: `Bearer ${token}`,
              'Content-Type': 'application/json',
              'Content-Length': Buffer.byteLength(text),
              'Idempotency-Key': `hang-up-${i}`,
            },
          });
          req.on('error', () => resolve());
          req.end(text, () => setTimeout(() => (req.destroy(), resolve()), i * 4));
        });
        // The retry may come while the first still runs: it waits for it, then replays.
        const retry = await api.post('/partners', body, `hang-up-${i}`);
        expect(retry.status, retry.text).to.equal(201);
        expect(await PartnerModel.countDocuments({ name: body.name }), body.name).to.equal(1);
      }
      const keys = await IdempotencyKeyModel.find({ user: api.user._id }).lean();
      expect(keys.map((k) => k.state)).to.deep.equal(Array(HANG_UPS).fill('done'));
    } finally {
      server.close();
    }
  });

  it('when the first request with a key fails (422, 409 duplicate warning), then the key is free and the corrected request runs with it', async () => {
    const api = await caller(app());
    await api.post('/partners', { ...partnerBody, country: 'XX' }, 'fix-me').expect(422);
    await api.post('/partners', partnerBody, 'fix-me').expect(201);
    const dup = await api.post('/partners', partnerBody, 'dup').expect(409);
    expect(dup.headers['idempotent-replayed']).to.equal(undefined);
    await api.post('/partners', { ...partnerBody, confirmDuplicate: '1' }, 'dup').expect(201);
    const replay = await api.post('/partners', { ...partnerBody, confirmDuplicate: '1' }, 'dup').expect(201);
    expect(replay.headers['idempotent-replayed']).to.equal('true');
    expect(await PartnerModel.countDocuments({})).to.equal(2);
  });

  it('when two users send the same key, or a request sends none, then each request runs on its own', async () => {
    const a = await caller(app());
    const b = await caller(app());
    await a.post('/partners', partnerBody, 'shared').expect(201);
    const other = await b.post('/partners', { ...partnerBody, confirmDuplicate: '1' }, 'shared').expect(201);
    expect(other.headers['idempotent-replayed']).to.equal(undefined);
    await a.post('/partners', { ...partnerBody, confirmDuplicate: '1' }).expect(201);
    await a.post('/partners', { ...partnerBody, confirmDuplicate: '1' }).expect(201);
    expect(await PartnerModel.countDocuments({})).to.equal(4);
  });

  it('when an interaction is logged twice with one key, then one interaction exists and the retry gets the same id', async () => {
    const api = await caller(app());
    const partner = await createPartner();
    const body = { partner: partner._id.toHexString(), kind: 'call', summary: 'Rates for 2027' };
    const first = await api.post('/interactions', body, 'ix-1').expect(201);
    const again = await api.post('/interactions', body, 'ix-1').expect(201);
    expect(again.body.data.id).to.equal(first.body.data.id);
    expect(await InteractionModel.countDocuments({})).to.equal(1);
  });

  it('when a key is malformed, then every POST route of the API table answers 400 before running (the middleware covers them all)', async () => {
    const api = await caller(app());
    const posts = API_ROUTES.filter((r) => r.method === 'post');
    expect(posts.length).to.be.greaterThan(4);
    for (const bad of ['', 'has space', 'x'.repeat(256), 'clé']) {
      for (const r of posts) {
        const res = await api.post(concretePath(r.path), partnerBody, bad);
        expect(res.status, `${r.path} with key ${JSON.stringify(bad)}`).to.equal(400);
        expect(res.body.error.message).to.contain('Idempotency-Key');
      }
    }
    expect(await PartnerModel.countDocuments({})).to.equal(0);
  });

  it('when a key is older than 24 hours, then it is forgotten (the request runs again) and the sweep deletes expired keys only', async () => {
    const api = await caller(app());
    await api.post('/partners', partnerBody, 'old').expect(201);
    await api.post('/partners', { ...partnerBody, confirmDuplicate: '1' }, 'young').expect(201);
    await IdempotencyKeyModel.updateOne({ key: 'old' }, { $set: { expiresAt: new Date(Date.now() - 1000) } });
    const rerun = await api.post('/partners', { ...partnerBody, confirmDuplicate: '1' }, 'old').expect(201);
    expect(rerun.headers['idempotent-replayed']).to.equal(undefined);
    expect(await PartnerModel.countDocuments({})).to.equal(3);

    const stored = await IdempotencyKeyModel.findOne({ key: 'young' }).lean();
    expect(stored!.expiresAt.getTime() - stored!.createdAt.getTime()).to.equal(IDEMPOTENCY_TTL_MS);
    expect(await purgeIdempotencyKeys(new Date(Date.now() + IDEMPOTENCY_TTL_MS + 1000))).to.equal(2);
    expect(await IdempotencyKeyModel.countDocuments({})).to.equal(0);
  });
});
