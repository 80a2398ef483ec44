import './env.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './net.js';

/**
 * One database server for the whole run: MONGODB_URI when given, else the embedded FerretDB
 * launcher (PostgreSQL when FERRETDB_POSTGRESQL_URL is set, else SQLite in a temp folder).
 * Each test file then works in a database of its own (see db.ts).
 */
let stop: (() => Promise<void>) | undefined;
let sqliteDir: string | undefined;

export async function mochaGlobalSetup(): Promise<void> {
  if (process.env.TEST_MONGODB_URI) return;
  if (process.env.MONGODB_URI) {
    process.env.TEST_MONGODB_URI = process.env.MONGODB_URI;
    return;
  }
  const { startLauncher } = await import('../../src/lib/db/ferretdb.js');
  const postgresqlUrl = process.env.FERRETDB_POSTGRESQL_URL;
  sqliteDir = postgresqlUrl ? undefined : mkdtempSync(join(tmpdir(), 'alliance-crm-test-'));
  const port = await freePort();
  const launcher = await startLauncher({
    port,
    postgresqlUrl,
    sqliteDir,
    log: (m) => process.stderr.write(`[ferretdb] ${m}\n`),
  });
  process.env.TEST_MONGODB_URI = `mongodb://127.0.0.1:${port}/`;
  stop = launcher.stop;
}

export async function mochaGlobalTeardown(): Promise<void> {
  await stop?.();
  if (sqliteDir) rmSync(sqliteDir, { recursive: true, force: true });
}
