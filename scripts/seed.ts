// npm run seed: loads the demo data set (idempotent) and prints the demo logins.
// Feature modules add their demo data to SEEDERS as they land.
import { SYSTEM } from '../src/modules/audit/index.js';
import { createUser, normaliseEmail, UserModel } from '../src/modules/users/index.js';
import type { Role } from '../src/lib/permissions.js';
import { withDatabase } from './cli.js';
import { seedPartners } from './seed/partners.js';
import { seedContactsAndEvents } from './seed/contacts-events.js';
import { seedInteractions } from './seed/interactions.js';
import { seedPlaques } from './seed/plaques.js';
import { seedDesks } from './seed/desks.js';
import { seedTargets } from './seed/targets.js';
import { seedAgreements } from './seed/agreements.js';
import { seedCases } from './seed/cases.js';

const DEMO_PASSWORD = process.env.SEED_PASSWORD ?? 'Chongqing-SEA-2025';

const DEMO_USERS: { email: string; name: string; role: Role; locale: 'en' | 'zh-CN' }[] = [
  { email: 'admin@alliance.example', name: 'Li Wei (admin)', role: 'admin', locale: 'en' },
  { email: 'manager@alliance.example', name: 'Zhang Min', role: 'manager', locale: 'zh-CN' },
  { email: 'coordinator@alliance.example', name: 'Chen Jing', role: 'coordinator', locale: 'en' },
  {
    email: 'coordinator.th@alliance.example',
    name: 'Somchai Rattanakorn',
    role: 'coordinator',
    locale: 'en',
  },
  { email: 'officer@alliance.example', name: 'Nguyen Thi Lan', role: 'complaint_officer', locale: 'en' },
  {
    email: 'officer.th@alliance.example',
    name: 'Siriporn Kaewmanee',
    role: 'complaint_officer',
    locale: 'en',
  },
  { email: 'staff@alliance.example', name: 'Wang Fang', role: 'staff', locale: 'zh-CN' },
];

async function seedUsers(): Promise<void> {
  for (const u of DEMO_USERS) {
    if (await UserModel.exists({ email: normaliseEmail(u.email) })) continue;
    await createUser({ ...u, password: DEMO_PASSWORD }, SYSTEM);
  }
}

const SEEDERS: [string, () => Promise<void>][] = [
  ['users', seedUsers],
  ['partners', seedPartners],
  ['contacts and events', seedContactsAndEvents],
  ['interactions', seedInteractions],
  ['plaques', seedPlaques],
  ['desks and routing rules', seedDesks],
  ['doubling-plan markets and actuals', () => seedTargets()],
  ['agreements', seedAgreements],
  ['complaint cases', seedCases],
];

await withDatabase(async () => {
  for (const [name, seed] of SEEDERS) {
    const started = Date.now();
    await seed();
    console.log(`seeded ${name} (${Date.now() - started} ms)`);
  }
});

console.log('\nDemo logins (password for all: ' + DEMO_PASSWORD + '):');
for (const u of DEMO_USERS) console.log(`  ${u.role.padEnd(18)} ${u.email}`);
process.exit(0);
