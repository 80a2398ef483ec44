import { expect } from 'chai';
import type { Types } from 'mongoose';
import { clearShortCache } from '../../src/lib/short-cache.js';
import { AuditEntryModel } from '../../src/modules/audit/index.js';
import { loginAs, type LoggedIn } from '../support/agent.js';
import { captureCommands, describeCommands } from '../support/commands.js';
import { useTestApp } from '../support/db.js';
import { createAgreement } from '../factories/agreement.js';
import { createCase } from '../factories/case.js';
import { createContact } from '../factories/contact.js';
import { createDesk } from '../factories/desk.js';
import { createEvent, createInteraction } from '../factories/interaction.js';
import { createNotification } from '../factories/notification.js';
import { createPartner } from '../factories/partner.js';
import { createPlaque } from '../factories/plaque.js';
import { createActuals, createMarket } from '../factories/target.js';
import { createUser } from '../factories/user.js';

const DAY = 86_400_000;
const FEW = 3;
const MANY = 60;
const COUNTRIES = ['TH', 'VN', 'SG', 'MY', 'ID', 'LA', 'KH', 'PH', 'MM', 'BN'];

/**
 * No N+1: every list page is requested with a few rows and with many, each row pointing at
 * different partners, users, events and desks, and must send the same number of database
 * commands both times (lookups of related records are batched with $in, never one per row).
 */
describe('database commands per list page do not grow with the rows shown', function () {
  this.timeout(120_000);
  const { app } = useTestApp({ monitorCommands: true });
  let admin: LoggedIn;
  const people: Types.ObjectId[] = [];
  const partners: Awaited<ReturnType<typeof createPartner>>[] = [];
  const events: Types.ObjectId[] = [];
  const desks: Awaited<ReturnType<typeof createDesk>>[] = [];

  // The i-th row of any kind points at the i-th partner, person, event and desk.
  const partnerAt = (i: number) => partners[i % partners.length]!;
  const personAt = (i: number) => people[i % people.length]!;
  const eventAt = (i: number) => events[i % events.length]!;
  const deskAt = (i: number) => desks[i % desks.length]!;

  before(async () => {
    admin = await loginAs(app(), 'admin');
    for (let i = 0; i < MANY; i++) {
      people.push((await createUser({ role: i % 2 ? 'manager' : 'complaint_officer' }))._id);
    }
    for (let i = 0; i < MANY; i++) {
      partners.push(
        await createPartner({
          country: COUNTRIES[i % COUNTRIES.length]!,
          owner: i % 3 ? personAt(i) : admin.user._id,
          lastInteractionAt: new Date(Date.now() - i * DAY),
          type: i % 2 ? 'travel_agency' : 'distributor_international',
        }),
      );
    }
    for (let i = 0; i < 10; i++) events.push((await createEvent())._id);
    for (let i = 0; i < 10; i++) desks.push(await createDesk({ isDefault: i === 0 }));
  });

  /** Rows of one kind: `add(from, to)` creates rows number from…to-1. */
  interface PageCase {
    name: string;
    path: string;
    /** Marks one row leaves in the page (to check the page did show more rows the second time). */
    rowMarks: RegExp;
    add: (from: number, to: number) => Promise<void>;
  }

  const pages: PageCase[] = [
    {
      name: 'partners',
      // A country none of the shared partners is in, so the page shows exactly these rows.
      path: '/partners?country=TL&sort=name',
      rowMarks: /\/partners\/[0-9a-f]{24}"/g,
      add: async (from, to) => {
        for (let i = from; i < to; i++) await createPartner({ country: 'TL', owner: personAt(i) });
      },
    },
    {
      name: 'contacts',
      path: '/contacts',
      rowMarks: /\/contacts\/[0-9a-f]{24}"/g,
      add: async (from, to) => {
        for (let i = from; i < to; i++) await createContact({ partner: partnerAt(i), languages: ['en'] });
      },
    },
    {
      name: 'interactions',
      path: '/interactions',
      rowMarks: /\/interactions\/[0-9a-f]{24}\/edit"|\/partners\/[0-9a-f]{24}"/g,
      add: async (from, to) => {
        for (let i = from; i < to; i++) {
          await createInteraction({
            partner: partnerAt(i),
            by: personAt(i),
            event: eventAt(i),
            occurredAt: new Date(Date.now() - i * 3_600_000),
          });
        }
      },
    },
    {
      name: 'agreements',
      path: '/agreements',
      rowMarks: /\/agreements\/[0-9a-f]{24}"/g,
      add: async (from, to) => {
        for (let i = from; i < to; i++) {
          await createAgreement({
            partners: [partnerAt(i), partnerAt(i + 1)],
            owner: personAt(i),
            event: eventAt(i),
            stage: i % 2 ? 'active' : 'lead',
          });
        }
      },
    },
    {
      name: 'cases',
      path: '/cases?scope=all',
      rowMarks: /\/cases\/[0-9a-f]{24}"/g,
      add: async (from, to) => {
        for (let i = from; i < to; i++) {
          await createCase({
            desk: deskAt(i),
            loggedBy: personAt(i),
            assignee: personAt(i + 1),
            partners: [partnerAt(i)._id],
            status: 'assigned',
          });
        }
      },
    },
    {
      name: 'plaques',
      path: '/plaques',
      rowMarks: /\/plaques\/[0-9a-f]{24}"/g,
      add: async (from, to) => {
        for (let i = from; i < to; i++) {
          await createPlaque({ event: eventAt(i), awardedBy: personAt(i) });
        }
      },
    },
    {
      name: 'targets',
      path: '/targets',
      rowMarks: /\/targets\/[0-9a-f]{24}"/g,
      add: async (from, to) => {
        for (let i = from; i < Math.min(to, COUNTRIES.length * 2); i++) {
          const country = COUNTRIES[i % COUNTRIES.length]!;
          const [origin, destination] = i < COUNTRIES.length ? [country, 'CN-CQ'] : ['CN-CQ', country];
          const market = await createMarket({ origin, destination, owner: personAt(i) });
          await createActuals(market._id, { 202401: 1000 + i, 202501: 1500 + i, 202502: 900 });
        }
      },
    },
    {
      name: 'audit log',
      path: '/admin/audit',
      rowMarks: /partner\.update/g,
      add: async (from, to) => {
        await AuditEntryModel.insertMany(
          Array.from({ length: to - from }, (_, k) => ({
            actor: personAt(from + k),
            actorEmail: `person${from + k}@example.test`,
            action: 'partner.update',
            entity: 'partner',
            entityId: partnerAt(from + k)._id.toHexString(),
          })),
        );
      },
    },
    {
      name: 'home dashboard (admin: every tile)',
      path: '/',
      rowMarks: /\/(partners|agreements)\/[0-9a-f]{24}"/g,
      add: async (from, to) => {
        for (let i = from; i < to; i++) {
          await createInteraction({
            partner: partnerAt(i),
            by: personAt(i),
            followUpAt: new Date(Date.now() - (i + 1) * 3_600_000),
            followUpAssignee: admin.user._id,
          });
          await createNotification(admin.user._id);
          await createAgreement({
            partners: [partnerAt(i)],
            stage: 'active',
            expiresAt: new Date(Date.now() + (i + 1) * DAY),
          });
        }
      },
    },
  ];

  async function commandsFor(page: PageCase): Promise<{ commands: string[]; rows: number }> {
    clearShortCache(); // the dashboard's tiles must load, not come from the tile cache
    const { result, commands } = await captureCommands(() => admin.agent.get(page.path));
    expect(result.status, `${page.path} answers`).to.equal(200);
    return { commands: describeCommands(commands), rows: result.text.match(page.rowMarks)?.length ?? 0 };
  }

  for (const page of pages) {
    it(`${page.name}: ${page.path}`, async () => {
      await page.add(0, FEW);
      const few = await commandsFor(page);
      await page.add(FEW, MANY);
      const many = await commandsFor(page);
      expect(many.rows, 'rows shown').to.be.greaterThan(few.rows);
      expect(many.commands, `commands with ${FEW} rows: ${few.commands.join(', ')}`).to.have.length.at.most(
        few.commands.length,
      );
    });
  }
});
