// The app as a real process on a database of its own, for the browser suite (test/e2e) and the
// README screenshots (scripts/screenshots.ts). Importing this file starts nothing by itself.
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { startLauncher } from '../../src/lib/db/ferretdb.js';
import { rootDir } from '../../src/lib/paths.js';
import { freePort } from './net.js';

export interface DatabaseServer {
  /** Connection string without a database name; add one per app with databaseUri(). */
  baseUri: string;
  stop(): Promise<void>;
}

/**
 * One database server for a whole run: MONGODB_URI when given, else the embedded FerretDB
 * launcher (over PostgreSQL when FERRETDB_POSTGRESQL_URL is set, else SQLite in a temp folder).
 */
export async function startDatabaseServer(log: (msg: string) => void = () => {}): Promise<DatabaseServer> {
  const given = process.env.E2E_MONGODB_URI ?? process.env.MONGODB_URI;
  if (given) return { baseUri: given, stop: async () => {} };
  const postgresqlUrl = process.env.FERRETDB_POSTGRESQL_URL;
  const sqliteDir = postgresqlUrl ? undefined : mkdtempSync(join(tmpdir(), 'alliance-crm-e2e-'));
  const port = await freePort();
  const launcher = await startLauncher({ port, postgresqlUrl, sqliteDir, log });
  return {
    baseUri: `mongodb://127.0.0.1:${port}/`,
    stop: async () => {
      await launcher.stop();
      if (sqliteDir) rmSync(sqliteDir, { recursive: true, force: true });
    },
  };
}

/** A fresh, uniquely named database on the server. */
export function databaseUri(baseUri: string, prefix = 'e2e'): string {
  const url = new URL(baseUri);
  url.pathname = `/${prefix}_${randomBytes(5).toString('hex')}`;
  return url.toString();
}

export async function dropDatabase(uri: string): Promise<void> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 5000 });
  try {
    await client.db().dropDatabase();
  } finally {
    await client.close();
  }
}

export interface AppProcess {
  /** http://127.0.0.1:PORT */
  url: string;
  databaseUri: string;
  /** The last lines the server printed (for failure reports). */
  output(): string;
  stop(): Promise<void>;
}

/**
 * How the server runs: `dist` (node dist/src/server.js, after npm run build, as in production)
 * or `tsx` (src/server.ts, no build). APP_ENTRY overrides; `dist` is used when it exists.
 */
export function defaultEntry(): 'dist' | 'tsx' {
  const chosen = process.env.APP_ENTRY;
  if (chosen === 'dist' || chosen === 'tsx') return chosen;
  return existsSync(join(rootDir, 'dist', 'src', 'server.js')) ? 'dist' : 'tsx';
}

function keepTail(child: ChildProcess): () => string {
  let tail = '';
  const add = (chunk: Buffer): void => {
    tail = (tail + chunk.toString()).slice(-6000);
  };
  child.stdout?.on('data', add);
  child.stderr?.on('data', add);
  return () => tail;
}

function waitForExit(child: ChildProcess, ms: number): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/**
 * Starts `server.js` on a free port (PORT=0: the server reports the port it got over IPC once
 * the database is connected and the jobs run) against `databaseUri`.
 */
export async function startAppProcess(opts: {
  databaseUri: string;
  entry?: 'dist' | 'tsx';
  env?: Record<string, string>;
}): Promise<AppProcess> {
  const entry = opts.entry ?? defaultEntry();
  const script =
    entry === 'dist' ? join(rootDir, 'dist', 'src', 'server.js') : join(rootDir, 'src', 'server.ts');
  const child = fork(script, [], {
    cwd: rootDir,
    execArgv: entry === 'tsx' ? ['--import', 'tsx'] : [],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env: {
      ...process.env,
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: '0',
      MONGODB_URI: opts.databaseUri,
      SESSION_SECRET: randomBytes(24).toString('hex'),
      LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'warn',
      DEFAULT_LOCALE: 'en',
      DEFAULT_TIMEZONE: 'Asia/Shanghai',
      ...opts.env,
    },
  });
  const output = keepTail(child);
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the app did not start within 90 s:\n${output()}`));
    }, 90_000);
    child.on('message', (msg: { ready?: boolean; port?: number }) => {
      if (msg?.ready && msg.port) {
        clearTimeout(timer);
        resolve(msg.port);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the app exited (${code}) before it was ready:\n${output()}`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    databaseUri: opts.databaseUri,
    output,
    stop: async () => {
      child.kill('SIGTERM');
      await waitForExit(child, 15_000);
    },
  };
}

/** `npm run seed` against the given database (the demo data set and demo logins). */
export function runSeed(uri: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(rootDir, 'scripts', 'seed.ts')], {
      cwd: rootDir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_ENV: 'test', MONGODB_URI: uri, LOG_LEVEL: 'warn' },
    });
    const output = keepTail(child);
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve(output()) : reject(new Error(`npm run seed failed (${code}):\n${output()}`)),
    );
  });
}
