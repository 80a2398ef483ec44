import { expect } from 'chai';
import type { Document } from 'mongodb';
import { mongoose } from '../../src/lib/db/index.js';
import { loginAs, type LoggedIn } from '../support/agent.js';
import { captureCommands, type CapturedCommand } from '../support/commands.js';
import { useTestApp } from '../support/db.js';
import { createAgreement } from '../factories/agreement.js';
import { createCase } from '../factories/case.js';
import { createContact } from '../factories/contact.js';
import { createDesk } from '../factories/desk.js';
import { createInteraction } from '../factories/interaction.js';
import { createPartner } from '../factories/partner.js';
import { createPlaque } from '../factories/plaque.js';

/**
 * The list pages' own queries (captured from the driver while the page is requested, so they
 * cannot drift from the services) are explained on the server.
 *
 * - MongoDB reports a winning plan: every query must read through an index (IXSCAN, COUNT_SCAN…,
 *   never COLLSCAN), and first pages with an equality filter must also get their order from the
 *   index (no blocking SORT stage).
 * - FerretDB 1.24 has no query planner of its own. Its explain answers `filterPushdown`,
 *   `sortPushdown` and `limitPushdown` flags plus the backend's SQL plan (PostgreSQL's EXPLAIN as
 *   JSON, or SQLite's EXPLAIN QUERY PLAN lines). Measured on 1.24.2: it never uses its own
 *   indexes for reads (PostgreSQL: "Seq Scan" with `_jsonb->'f' @> value`, which a btree
 *   expression index cannot serve; SQLite: "SCAN"), never pushes a sort down, pushes a limit
 *   only when there is neither filter nor sort, and pushes a filter down only for top-level
 *   equalities on strings, ObjectIds, dates, booleans and integers (PostgreSQL) or on `_id` alone
 *   (SQLite) — never inside `$and`, never `null`, `$in`, ranges or `count` commands. So on
 *   FerretDB over PostgreSQL the test checks the one thing it can: the selective equality of each
 *   filtered page reaches SQL. Index use cannot be checked on FerretDB at all, and over SQLite
 *   nothing but that explain answers.
 */
describe('list queries use indexes (explain)', function () {
  this.timeout(120_000);
  const { app } = useTestApp({ monitorCommands: true });
  let admin: LoggedIn;
  let deskId = '';

  before(async () => {
    admin = await loginAs(app(), 'admin');
    const desk = await createDesk({ isDefault: true });
    deskId = desk._id.toHexString();
    for (let i = 0; i < 60; i++) {
      const partner = await createPartner({
        name: i % 2 ? `Golden Dragon Travel ${i}` : `Mekong River Tours ${i}`,
        nameLocal: i % 3 ? null : `重庆国际旅行社${i}`,
        country: i % 10 ? 'TH' : 'VN',
        owner: admin.user._id,
        type: 'distributor_international',
      });
      if (i < 10) {
        await createContact({ partner, languages: ['th'] });
        await createInteraction({ partner, by: admin.user._id });
        await createAgreement({ partners: [partner], stage: i % 2 ? 'active' : 'lead' });
        await createCase({ desk, loggedBy: admin.user._id, partners: [partner._id], status: 'assigned' });
        await createPlaque({ partner: partner._id, partnerCountry: partner.country });
      }
    }
  });

  interface Scenario {
    name: string;
    path: string | (() => Promise<string> | string);
    collection: string;
    /** The page filters on a selective equality FerretDB over PostgreSQL should push down. */
    pushdown: boolean;
    /** On MongoDB the first page's order comes from the index (no blocking SORT). */
    orderFromIndex: boolean;
  }

  const scenarios: Scenario[] = [
    {
      name: 'partner list, first page filtered and sorted',
      path: '/partners?country=TH&sort=name',
      collection: 'partners',
      pushdown: true,
      orderFromIndex: true,
    },
    {
      name: 'partner list, next page by cursor',
      path: async () => {
        const first = await admin.agent.get('/partners?country=TH&sort=name').expect(200);
        const after = /[?&;]after=([^"&]+)/.exec(first.text);
        expect(after, 'the first page links a next page').to.not.equal(null);
        return `/partners?country=TH&sort=name&after=${after![1]}`;
      },
      collection: 'partners',
      pushdown: true,
      orderFromIndex: false,
    },
    {
      name: 'partner search (Latin)',
      path: '/partners?q=golden+dragon',
      collection: 'partners',
      pushdown: false,
      orderFromIndex: false,
    },
    {
      name: 'partner search (Chinese)',
      path: `/partners?q=${encodeURIComponent('重庆')}`,
      collection: 'partners',
      pushdown: false,
      orderFromIndex: false,
    },
    {
      name: 'contacts by partner country',
      path: '/contacts?country=TH',
      collection: 'contacts',
      pushdown: true,
      orderFromIndex: true,
    },
    {
      name: 'interactions by partner country',
      path: '/interactions?partnerCountry=TH',
      collection: 'interactions',
      pushdown: true,
      orderFromIndex: true,
    },
    {
      name: 'agreements by stage',
      path: '/agreements?stage=active',
      collection: 'agreements',
      pushdown: true,
      orderFromIndex: true,
    },
    {
      name: 'case queue of a desk',
      path: () => `/cases?scope=all&desk=${deskId}`,
      collection: 'cases',
      pushdown: true,
      orderFromIndex: true,
    },
    {
      name: 'plaques by status',
      path: '/plaques?status=active',
      collection: 'plaques',
      pushdown: true,
      orderFromIndex: true,
    },
  ];

  /** The page's reads of its own collection; counts of a whole collection scan by definition. */
  function listReads(commands: CapturedCommand[], collection: string): Document[] {
    return commands
      .filter((c) => ['find', 'aggregate', 'count'].includes(c.name) && c.command[c.name] === collection)
      .map((c) => c.command)
      .filter((c) => Object.keys(filterOf(c)).length > 0);
  }

  function filterOf(command: Document): Document {
    if (command.find) return (command.filter as Document) ?? {};
    if (command.count) return (command.query as Document) ?? {};
    const match = (command.pipeline as Document[] | undefined)?.find((s) => s.$match);
    return (match?.$match as Document) ?? {};
  }

  /** Every `stage` inside every winning plan of an explain answer (classic and SBE shapes). */
  function winningStages(node: unknown, inPlan = false, out: string[] = []): string[] {
    if (Array.isArray(node)) for (const n of node) winningStages(n, inPlan, out);
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === 'rejectedPlans') continue;
        if (inPlan && key === 'stage' && typeof value === 'string') out.push(value);
        winningStages(value, inPlan || key === 'winningPlan', out);
      }
    }
    return out;
  }

  for (const s of scenarios) {
    it(s.name, async () => {
      const path = typeof s.path === 'function' ? await s.path() : s.path;
      const { result, commands } = await captureCommands(() => admin.agent.get(path));
      expect(result.status, path).to.equal(200);
      const reads = listReads(commands, s.collection);
      expect(reads.length, `the page reads ${s.collection}`).to.be.greaterThan(0);

      for (const command of reads) {
        const explained = await mongoose.connection.db!.command({
          explain: command,
          verbosity: 'queryPlanner',
        });
        const label = JSON.stringify(command);
        if (typeof explained.filterPushdown === 'boolean') {
          // FerretDB. PostgreSQL's plan is an object with a "Node Type"; SQLite's a list of lines.
          const postgresql = !Array.isArray(explained.queryPlanner?.Plan);
          if (postgresql && s.pushdown && command.count === undefined) {
            expect(explained.filterPushdown, `filter pushed down to PostgreSQL: ${label}`).to.equal(true);
          }
          continue;
        }
        const stages = winningStages(explained);
        expect(stages.length, `a winning plan for ${label}`).to.be.greaterThan(0);
        expect(stages, `no collection scan: ${label}`).to.not.include('COLLSCAN');
        expect(
          stages.some((st) => /IXSCAN|COUNT_SCAN|IDHACK|DISTINCT_SCAN/.test(st)),
          `an index is read: ${label} → ${stages.join(' < ')}`,
        ).to.equal(true);
        if (s.orderFromIndex && command.find) {
          expect(stages, `order from the index: ${label}`).to.not.include('SORT');
        }
      }
    });
  }
});
