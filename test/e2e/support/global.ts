// Mocha root hooks for the browser suite: one database server and one Chromium for the run;
// every journey gets its own database, app process and browser context (see journey.ts).
import type { Browser } from 'playwright-core';
import { startDatabaseServer, type DatabaseServer } from '../../../scripts/browser/app-process.js';
import { launchChromium } from '../../../scripts/browser/chromium.js';

let database: DatabaseServer | undefined;
let browser: Promise<Browser> | undefined;

export async function mochaGlobalSetup(): Promise<void> {
  database = await startDatabaseServer((m) => process.stderr.write(`[ferretdb] ${m}\n`));
}

export async function mochaGlobalTeardown(): Promise<void> {
  if (browser) await (await browser).close();
  await database?.stop();
}

export function databaseServer(): DatabaseServer {
  if (!database) throw new Error('the e2e database server is not running: run through npm run test:e2e');
  return database;
}

export function sharedBrowser(): Promise<Browser> {
  browser ??= launchChromium();
  return browser;
}
