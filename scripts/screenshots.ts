// npm run screenshots: the demo data set (npm run seed) in a throw-away database, the app on a
// free port, and Chromium taking 1280 px PNGs of the main pages into docs/screenshots/ for the
// README. A page is one entry in SHOTS; keep each file well under 150 KB (`du -k`). Needs
// /usr/bin/chromium (or CHROMIUM_PATH).
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { rootDir } from '../src/lib/paths.js';
import {
  databaseUri,
  dropDatabase,
  runSeed,
  startAppProcess,
  startDatabaseServer,
} from './browser/app-process.js';
import { launchChromium } from './browser/chromium.js';

const PASSWORD = process.env.SEED_PASSWORD ?? 'Chongqing-SEA-2025';
const OUT_DIR = join(rootDir, 'docs', 'screenshots');
const WIDTH = 1280;
const HEIGHT = 640;

interface Shot {
  file: string;
  /** Demo login (npm run seed). */
  as: string;
  locale: 'en' | 'zh-CN';
  /** A path, or the clicks that lead to the page. */
  open: string | ((page: Page, at: (path: string) => string) => Promise<void>);
  /** Only this part of the page (a CSS selector), e.g. a chart further down. */
  part?: string;
}

async function firstPartnerWithHistory(page: Page, at: (path: string) => string): Promise<void> {
  await page.goto(at('/partners?sort=lastInteraction'));
  await page.locator('main table a[href^="/partners/"]').first().click();
  await page.waitForURL(/\/partners\/[0-9a-f]{24}$/);
}

/** Opens the first link on `listPath` whose path matches `href`. */
function firstLink(listPath: string, href: RegExp) {
  return async (page: Page, at: (path: string) => string): Promise<void> => {
    await page.goto(at(listPath));
    const links = page.locator('main a[href]');
    const hrefs = await links.evaluateAll((els) => els.map((e) => e.getAttribute('href') ?? ''));
    const index = hrefs.findIndex((h) => href.test(h));
    if (index < 0) throw new Error(`no link matching ${href} on ${listPath}`);
    await Promise.all([page.waitForURL((u) => href.test(u.pathname)), links.nth(index).click()]);
  };
}

const SHOTS: Shot[] = [
  { file: 'dashboard.png', as: 'manager@alliance.example', locale: 'en', open: '/' },
  { file: 'partners.png', as: 'manager@alliance.example', locale: 'en', open: '/partners' },
  { file: 'partner.png', as: 'manager@alliance.example', locale: 'en', open: firstPartnerWithHistory },
  { file: 'partners-zh.png', as: 'manager@alliance.example', locale: 'zh-CN', open: '/partners' },
  { file: 'agreement-board.png', as: 'manager@alliance.example', locale: 'en', open: '/agreements/board' },
  {
    file: 'case.png',
    as: 'manager@alliance.example',
    locale: 'en',
    open: firstLink('/cases?status=in_progress', /^\/cases\/[0-9a-f]{24}$/),
  },
  {
    file: 'targets-chart.png',
    as: 'manager@alliance.example',
    locale: 'en',
    open: firstLink('/targets', /^\/targets\/[0-9a-f]{24}$/),
    part: 'main section:has(figure.chart)',
  },
];

async function signIn(page: Page, at: (path: string) => string, email: string): Promise<void> {
  await page.goto(at('/login'));
  await page.locator('#f-email').fill(email);
  await page.locator('#f-password').fill(PASSWORD);
  await Promise.all([
    page.waitForURL((u) => !u.pathname.startsWith('/login')),
    page.locator('main form button[type=submit]').click(),
  ]);
}

async function useLocale(page: Page, locale: string): Promise<void> {
  if ((await page.getAttribute('html', 'lang')) === locale) return;
  await page.locator(`header form.locale-switch button[value="${locale}"]`).click();
  for (let i = 0; i < 100 && (await page.getAttribute('html', 'lang').catch(() => null)) !== locale; i += 1) {
    await page.waitForTimeout(100);
  }
  await page.waitForLoadState('load');
}

const database = await startDatabaseServer();
const uri = databaseUri(database.baseUri, 'screenshots');
let exitCode = 0;
try {
  console.log('seeding the demo data…');
  await runSeed(uri);
  const app = await startAppProcess({
    databaseUri: uri,
    entry: process.env.APP_ENTRY === 'dist' ? 'dist' : 'tsx',
  });
  const browser = await launchChromium();
  try {
    const at = (path: string) => new URL(path, app.url).toString();
    mkdirSync(OUT_DIR, { recursive: true });
    let signedInAs = '';
    const context = await browser.newContext({
      viewport: { width: WIDTH, height: HEIGHT },
      locale: 'en-US',
      timezoneId: 'Asia/Shanghai',
    });
    const page = await context.newPage();
    for (const shot of SHOTS) {
      if (shot.as !== signedInAs) {
        await context.clearCookies();
        await signIn(page, at, shot.as);
        signedInAs = shot.as;
      }
      await useLocale(page, shot.locale);
      if (typeof shot.open === 'string') await page.goto(at(shot.open));
      else await shot.open(page, at);
      await page.waitForLoadState('load');
      const file = join(OUT_DIR, shot.file);
      if (shot.part) await page.locator(shot.part).first().screenshot({ path: file });
      else await page.screenshot({ path: file });
      console.log(`${file} (${Math.round(statSync(file).size / 1024)} KB)`);
    }
    await context.close();
  } finally {
    await browser.close();
    await app.stop();
  }
} catch (err) {
  console.error(err);
  exitCode = 1;
} finally {
  await dropDatabase(uri).catch(() => undefined);
  await database.stop();
}
process.exit(exitCode);
