// A journey: one describe() with a fresh database, a real app process and a browser context of
// its own, whose steps run in order (the first failing step stops the journey). Each step fails
// on a console error, an uncaught page error, a failed or 5xx response, or any request to a host
// other than the app (the pages must work offline).
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import {
  databaseUri,
  dropDatabase,
  runSeed,
  startAppProcess,
  type AppProcess,
} from '../../../scripts/browser/app-process.js';
import { databaseServer, sharedBrowser } from './global.js';

export const FAILURE_DIR = process.env.E2E_ARTIFACTS ?? join(tmpdir(), 'alliance-crm-e2e');

export interface Journey {
  /** The app's base URL, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  readonly page: Page;
  readonly context: BrowserContext;
  /** Absolute URL of an app path. */
  at(path: string): string;
  /** Problems seen since the last step (console errors, foreign requests, …). */
  problems: string[];
}

export interface JourneyOptions {
  /** Load the demo data set (`npm run seed`: demo users with password Chongqing-SEA-2025). */
  seed?: boolean;
  /** Steps do not depend on each other: a failing step does not skip the ones after it. */
  independentSteps?: boolean;
}

type Running = Journey & { app: AppProcess; failed?: boolean; independent?: boolean };
let current: Running | undefined;

function slug(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 80);
}

function watch(page: Page, origin: string, problems: string[]): void {
  page.on('console', (msg) => {
    // Chromium logs every 4xx/5xx response as a console error; pages answered 404, 403 or 422
    // on purpose are fine, missing assets are caught by the response handler below.
    if (msg.type() !== 'error' || msg.text().startsWith('Failed to load resource: the server responded'))
      return;
    problems.push(`console error: ${msg.text()} (${msg.location().url})`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('response', (res) => {
    const status = res.status();
    const isPage = res.request().resourceType() === 'document';
    if (status >= 500 || (status >= 400 && !isPage)) {
      problems.push(`${status} from ${res.request().method()} ${res.url()}`);
    }
  });
  page.on('requestfailed', (req) => {
    const reason = req.failure()?.errorText ?? '';
    // A navigation that replaces a page cancels its pending requests: not a fault.
    if (reason.includes('ERR_ABORTED') && new URL(req.url()).origin === origin) return;
    problems.push(`request failed: ${req.method()} ${req.url()} ${reason}`);
  });
}

/**
 * Declares a journey. `body` declares its steps with `step()`; `j` is filled in before the first.
 */
export function journey(title: string, opts: JourneyOptions, body: (j: Journey) => void): void {
  describe(title, function () {
    const j = { independent: opts.independentSteps } as Running;

    before(async function () {
      this.timeout(180_000);
      const uri = databaseUri(databaseServer().baseUri);
      if (opts.seed) await runSeed(uri);
      const app = await startAppProcess({ databaseUri: uri });
      const browser = await sharedBrowser();
      const context = await browser.newContext({
        viewport: { width: 1280, height: 900 },
        locale: 'en-US',
        timezoneId: 'Asia/Shanghai',
      });
      const problems: string[] = [];
      const origin = new URL(app.url).origin;
      // Anything not served by the app is refused and reported: no CDN, no fonts, no analytics.
      await context.route(
        (url) => url.origin !== origin && !['data:', 'blob:', 'about:'].includes(url.protocol),
        async (route) => {
          problems.push(`request to another host: ${route.request().url()}`);
          await route.abort('blockedbyclient');
        },
      );
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      page.setDefaultNavigationTimeout(30_000);
      watch(page, origin, problems);
      Object.assign(j, {
        url: app.url,
        app,
        page,
        context,
        problems,
        at: (path: string) => new URL(path, app.url).toString(),
      });
      current = j;
    });

    after(async function () {
      this.timeout(60_000);
      current = undefined;
      await j.context?.close().catch(() => undefined);
      await j.app?.stop();
      if (j.app) await dropDatabase(j.app.databaseUri).catch(() => undefined);
    });

    body(j);
  });
}

/**
 * One step of the current journey; fails on any problem the page reported during it. Once a
 * step has failed, the journey's later steps are reported as skipped (they depend on it).
 */
export function step(title: string, fn: (this: Mocha.Context) => Promise<void>): void {
  it(title, async function () {
    const j = current;
    if (!j) throw new Error('step() outside a journey');
    if (j.failed) this.skip();
    j.problems.length = 0;
    try {
      await fn.call(this);
      if (j.problems.length) throw new Error(`the page reported problems:\n  ${j.problems.join('\n  ')}`);
    } catch (err) {
      if (!j.independent) j.failed = true;
      const file = join(FAILURE_DIR, `${slug(this.test?.fullTitle() ?? title)}.png`);
      mkdirSync(FAILURE_DIR, { recursive: true });
      await j.page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
      const e = err instanceof Error ? err : new Error(String(err));
      e.message += `\n  at ${j.page.url()}\n  screenshot: ${file}\n  server output (last lines):\n${j.app
        .output()
        .split('\n')
        .slice(-15)
        .join('\n')}`;
      throw e;
    }
  });
}
