// Every page in PAGES (test/e2e/pages.ts), as its demo user, in English and 中文, at 375 px and
// 1280 px: axe-core without serious or critical violations and no sideways scrolling.
import { PAGES, type PageToCheck } from '../pages.js';
import { checkPage } from '../support/checks.js';
import { DEMO_PASSWORD, DEMO_USERS, signIn, signOut, switchLanguage } from '../support/flows.js';
import { journey, step, type Journey } from '../support/journey.js';

const LOCALES = ['en', 'zh-CN'] as const;

async function open(j: Journey, p: PageToCheck): Promise<void> {
  if (typeof p.open === 'string') await j.page.goto(j.at(p.open));
  else await p.open(j.page, j.at);
  await j.page.waitForLoadState('load');
}

journey(
  'Page checks on the demo data: axe, 375 px and 1280 px, English and 中文',
  { seed: true, independentSteps: true },
  (j) => {
    const roles = [...new Set(PAGES.map((p) => p.as))];
    for (const role of roles) {
      const pages = PAGES.filter((p) => p.as === role);
      if (role) {
        step(`signs in as the demo ${role}`, async () => {
          await j.page.goto(j.at('/login'));
          await switchLanguage(j.page, 'en');
          await signIn(j, DEMO_USERS[role], DEMO_PASSWORD);
        });
      }
      for (const locale of LOCALES) {
        for (const p of pages) {
          step(`${p.name} · ${locale}`, async () => {
            if ((await j.page.getAttribute('html', 'lang')) !== locale) {
              await j.page.goto(j.at(role ? '/profile' : '/login'));
              await switchLanguage(j.page, locale);
            }
            await open(j, p);
            await checkPage(j.page, p.name);
          });
        }
      }
      if (role) {
        step(`signs out (${role})`, async () => {
          await j.page.goto(j.at('/'));
          await switchLanguage(j.page, 'en');
          await signOut(j);
        });
      }
    }
  },
);
