import { expect } from 'chai';
import { mongoose } from '../../src/lib/db/index.js';
import { createContact } from '../factories/contact.js';
import { createEvent } from '../factories/event.js';
import { createInteraction } from '../factories/interaction.js';
import { createPartner } from '../factories/partner.js';
import { createUser } from '../factories/user.js';
import { loginAs, type LoggedIn } from '../support/agent.js';
import { useTestApp } from '../support/db.js';
import { linkedAmong, realPath, ROUTES, schemaKeys, type KnownIds } from '../support/routes.js';

/**
 * Injection payloads, generated from the route table: every query key a list route's validate()
 * schema names and every body key a form route's schema names gets each payload. The answer must
 * be a clear 4xx or a harmless literal match: never a 5xx, never more records than a literal
 * value that matches nothing, and never a change to the stored data for an operator payload.
 */

const NO_MATCH = 'zz-no-such-value-zz';

/** Values tried in every query key (sent URL-encoded). */
const VALUE_PAYLOADS: [string, string][] = [
  ['regex any', '.*'],
  ['regex bomb', '(a+)+$'],
  ['unbalanced regex', '(['],
  ['backslash', '\\'],
  ['JSON operator text', '{"$gt":""}'],
  ['5,000 chars', 'a'.repeat(5000)],
  ['RTL override', '\u202Egnp.exe\u202C'],
  ['zero-width', 'zz\u200B\u200C\u200D\uFEFFzz'],
  ['full-width digits', '１２３４５'],
  ['NUL byte', 'zz\u0000zz'],
  ['HTML', '<script>alert(1)</script>'],
];

/** Bodies' text payloads (fewer: forms are many); odd unicode goes in one value. */
const TEXT_PAYLOADS: [string, string][] = [
  ['regex bomb', '(a+)+$'],
  ['5,000 chars', 'a'.repeat(5000)],
  ['odd unicode (RTL, zero-width, full-width, NUL)', 'zz\u202Egnp.exe\u202C\u200B\uFEFF１２３\u0000zz'],
];

/**
 * Raw query strings per key (already encoded, or deliberately malformed). `sameKey` payloads
 * send the key itself and are held to a value matching nothing; the others smuggle a different
 * key (`q[$ne]`), which may at most be ignored (the page without the key).
 */
const RAW_PAYLOADS: [string, boolean, (key: string) => string][] = [
  ['$ne selector', false, (k) => `${k}[$ne]=zz-nothing`],
  ['$gt selector', false, (k) => `${k}[$gt]=`],
  ['$regex selector', false, (k) => `${k}[$regex]=.*`],
  ['array pollution', true, (k) => `${k}=${NO_MATCH}&${k}=.*`],
  ['bad percent', true, (k) => `${k}=%ED%A0%80%FF%`],
  ['__proto__', false, () => `__proto__[polluted]=yes`],
  ['constructor.prototype', false, () => `constructor[prototype][polluted]=yes`],
];

/** Operator objects sent as a JSON value of every body key. */
const OBJECT_PAYLOADS: [string, unknown][] = [
  ['$ne', { $ne: null }],
  ['$regex', { $regex: '.*', $options: 'i' }],
  ['$where', { $where: 'sleep(1000) || true' }],
  ['array with operator', ['zz', { $ne: 1 }]],
];

/** Raw JSON and form bodies that try prototype pollution, per route. */
const PROTO_BODIES: [string, 'json' | 'form', string][] = [
  ['JSON __proto__', 'json', '{"__proto__":{"polluted":"yes"},"name":"x"}'],
  ['JSON constructor.prototype', 'json', '{"constructor":{"prototype":{"polluted":"yes"}},"name":"x"}'],
  ['form __proto__', 'form', '__proto__[polluted]=yes&name=x'],
  ['form constructor.prototype', 'form', 'constructor[prototype][polluted]=yes'],
];

/** What may change under a refused request: logs, sessions, throttles, job bookkeeping. */
const VOLATILE = /audit|session|throttle|agenda/i;

async function snapshot(): Promise<string> {
  const db = mongoose.connection.db!;
  const out: Record<string, unknown[]> = {};
  for (const c of (await db.collections()).sort((a, b) => a.collectionName.localeCompare(b.collectionName))) {
    if (VOLATILE.test(c.collectionName)) continue;
    out[c.collectionName] = await c.find({}).sort({ _id: 1 }).toArray();
  }
  return JSON.stringify(out);
}

function polluted(): boolean {
  return (
    (Object.prototype as Record<string, unknown>).polluted !== undefined ||
    ({} as Record<string, unknown>).polluted !== undefined
  );
}

describe('injection: every list filter and form field × the payload set', function () {
  this.timeout(180_000);
  const { app } = useTestApp();
  let admin: LoggedIn;
  const known: KnownIds = {};
  const records = new Set<string>();
  let tried = 0;

  before(async function () {
    this.timeout(60_000);
    admin = await loginAs(app(), 'admin');
    const other = await createUser({ role: 'staff' });
    const partners = [
      await createPartner({ name: 'Lotus Travel', country: 'TH', tags: ['gold'] }),
      await createPartner({ name: 'Mekong Tours', country: 'VN', website: 'https://mekong.example' }),
      // A subject on which an unescaped (a+)+$ would backtrack for ever.
      await createPartner({ name: `${'a'.repeat(30)}!`, country: 'MY' }),
    ];
    const contacts = [
      await createContact({ partner: partners[0]!, name: 'Somchai Lee', email: 'somchai@lotus.example' }),
      await createContact({ partner: partners[1]!, name: 'Nguyen Anh' }),
    ];
    const interactions = [
      await createInteraction({ partner: partners[0]!, by: admin.user._id, summary: 'Met at the fair' }),
      await createInteraction({
        partner: partners[1]!,
        by: admin.user._id,
        summary: 'Call about a tour',
        followUpAt: new Date(Date.now() + 86_400_000),
      }),
    ];
    const events = [
      await createEvent({ name: 'Chongqing Expo', partners: [partners[0]!._id] }),
      await createEvent({ name: 'Bangkok Roadshow', country: 'TH', startsAt: '2026-03-01' }),
    ];
    known['/partners'] = partners[0]!._id.toHexString();
    known['/contacts'] = contacts[0]!._id.toHexString();
    known['/interactions'] = interactions[0]!._id.toHexString();
    known['/follow-ups'] = interactions[1]!._id.toHexString();
    known['/events'] = events[0]!._id.toHexString();
    known['/admin/users'] = other._id.toHexString();
    for (const r of [...partners, ...contacts, ...interactions, ...events, other])
      records.add(r._id.toHexString());
  });

  after(() => {
    // For the report: how many requests this file sent.
    console.log(`      injection: ${tried} payload requests`);
  });

  // Public pages (sign-in) only redirect a signed-in user; they have tests of their own.
  const listRoutes = ROUTES.filter(
    (r) => r.method === 'GET' && r.rule?.kind !== 'public' && schemaKeys(r.schemas?.query).length > 0,
  );

  it('when the route table is read, then the list routes and their filters come from validate() schemas', () => {
    const keys = listRoutes.flatMap((r) => schemaKeys(r.schemas?.query));
    expect(listRoutes.map((r) => r.path)).to.include.members([
      '/partners',
      '/contacts',
      '/events',
      '/interactions',
    ]);
    expect(keys).to.include.members(['q', 'country', 'after']);
  });

  it('when any list filter gets a selector, regex bomb, over-long or odd-unicode value, then the answer is a 4xx or a literal match, never a 5xx or a broader list', async () => {
    const wrong: string[] = [];
    for (const route of listRoutes) {
      const path = await realPath(route.path, known, admin.agent);
      const plain = await admin.agent.get(path);
      const unfiltered = new Set(plain.status === 200 ? linkedAmong(plain.text, records) : []);
      for (const key of schemaKeys(route.schemas?.query)) {
        const baseline = await admin.agent.get(`${path}?${key}=${NO_MATCH}`);
        const noMatch = new Set(baseline.status === 200 ? linkedAmong(baseline.text, records) : []);
        const attempts: [string, boolean, string][] = [
          ...VALUE_PAYLOADS.map(([name, v]): [string, boolean, string] => [
            name,
            true,
            `${key}=${encodeURIComponent(v)}`,
          ]),
          ...RAW_PAYLOADS.map(([name, sameKey, build]): [string, boolean, string] => [
            name,
            sameKey,
            build(key),
          ]),
        ];
        for (const [name, sameKey, query] of attempts) {
          tried += 1;
          const res = await admin.agent.get(`${path}?${query}`);
          const label = `GET ${route.path} ${key}: ${name} → ${res.status}`;
          const allowed = sameKey ? noMatch : unfiltered;
          if (res.status >= 500) wrong.push(label);
          else if (res.status === 200) {
            const extra = linkedAmong(res.text, records).filter((id) => !allowed.has(id));
            if (extra.length)
              wrong.push(`${label} listed ${extra.length} more record(s) than a value matching nothing`);
            if (res.text.includes('<script>alert(1)</script>')) wrong.push(`${label} echoed raw HTML`);
          } else if (res.status < 400) wrong.push(label);
        }
      }
    }
    expect(wrong).to.deep.equal([]);
    expect(polluted()).to.equal(false);
    expect(tried).to.be.greaterThan(400);
  });

  it('when a list is searched with a plain value, then the literal match is still found (the payload checks are not vacuous)', async () => {
    const res = await admin.agent.get('/partners?q=Lotus').expect(200);
    expect(linkedAmong(res.text, records)).to.include(known['/partners']);
    const regexText = await admin.agent.get(`/partners?q=${encodeURIComponent('.*')}`).expect(200);
    expect(linkedAmong(regexText.text, records)).to.deep.equal([]);
  });

  const bodyRoutes = ROUTES.filter((r) => r.method === 'POST' && schemaKeys(r.schemas?.body).length > 0);

  it('when any form field gets an operator object (JSON) or bracket selector (form), then it is refused with a 4xx and nothing stored changes', async () => {
    const before = await snapshot();
    const wrong: string[] = [];
    for (const route of bodyRoutes) {
      const path = await realPath(route.path, known, admin.agent);
      for (const key of schemaKeys(route.schemas?.body)) {
        for (const [name, value] of OBJECT_PAYLOADS) {
          tried += 1;
          const res = await admin.agent
            .post(path)
            .set('X-CSRF-Token', admin.csrf)
            .set('Accept', 'application/json')
            .send({ [key]: value });
          if (res.status < 400 || res.status >= 500)
            wrong.push(`POST ${route.path} ${key}: JSON ${name} → ${res.status}`);
        }
        for (const op of ['$ne', '$where', '$regex']) {
          tried += 1;
          const res = await admin.post(path).send(`${encodeURIComponent(`${key}[${op}]`)}=x`);
          if (res.status < 400 || res.status >= 500)
            wrong.push(`POST ${route.path} ${key}: form ${op} → ${res.status}`);
        }
      }
    }
    expect(wrong).to.deep.equal([]);
    expect(polluted(), 'Object.prototype polluted').to.equal(false);
    expect(await snapshot(), 'stored data changed').to.equal(before);
    expect(bodyRoutes.length).to.be.greaterThan(15);
  });

  it('when a JSON or form body carries __proto__ or constructor.prototype keys, then nothing is polluted or stored under them and the answer is never a 5xx', async () => {
    const wrong: string[] = [];
    for (const route of bodyRoutes) {
      const path = await realPath(route.path, known, admin.agent);
      for (const [name, kind, raw] of PROTO_BODIES) {
        tried += 1;
        const req = admin.agent.post(path).set('X-CSRF-Token', admin.csrf).set('Accept', 'application/json');
        const res = await (kind === 'json' ? req.type('json') : req.type('form')).send(raw);
        if (res.status >= 500) wrong.push(`POST ${route.path}: ${name} → ${res.status}`);
      }
    }
    expect(wrong).to.deep.equal([]);
    expect(polluted(), 'Object.prototype polluted').to.equal(false);
    // A dropped key is harmless (a contact named "x" may be made); a stored one is not.
    expect(await snapshot()).not.to.contain('polluted');
  });

  it('when any form field gets a regex bomb, over-long or odd-unicode text, then the answer is never a 5xx', async () => {
    const wrong: string[] = [];
    for (const route of bodyRoutes) {
      const path = await realPath(route.path, known, admin.agent);
      for (const key of schemaKeys(route.schemas?.body)) {
        for (const [name, value] of TEXT_PAYLOADS) {
          tried += 1;
          const res = await admin.post(path, { [key]: value });
          if (res.status >= 500) wrong.push(`POST ${route.path} ${key}: ${name} → ${res.status}`);
        }
      }
    }
    expect(wrong).to.deep.equal([]);
    expect(polluted()).to.equal(false);
    // The admin is still signed in and the app still answers.
    await admin.agent.get('/partners').expect(200);
  });
});
