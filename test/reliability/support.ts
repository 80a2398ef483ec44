import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { rootDir } from '../../src/lib/paths.js';
import { freePort } from '../support/net.js';

/** The app as a child process (`node --import tsx src/server.ts`), as production runs it. */
export interface AppProcess {
  child: ChildProcess;
  port: number;
  base: string;
  logs: () => string[];
  /** Raw log lines at error level or above (pino level ≥ 50), for a failing test to show. */
  errorLines: () => string[];
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resident set size in bytes, read from /proc (0 once it has exited). */
  rss: () => number;
}

const children: ChildProcess[] = [];
const dataDirs: string[] = [];

export const SESSION_SECRET = 'reliability-test-secret-0123456789abcdef';

export interface StartOptions {
  mongodbUri: string;
  /** Extra node --import modules (e.g. a fixture that adds a job). */
  imports?: string[];
  env?: Record<string, string>;
  /** Resolve once listening (before the database is up) instead of when jobs have started. */
  untilListening?: boolean;
}

export async function startApp(opts: StartOptions): Promise<AppProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'alliance-crm-rel-'));
  dataDirs.push(dataDir);
  const requested = await freePort();
  const args = ['--import', 'tsx', ...(opts.imports ?? []).flatMap((m) => ['--import', m]), 'src/server.ts'];
  const child = spawn(process.execPath, args, {
    cwd: rootDir,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      PORT: String(requested),
      MONGODB_URI: opts.mongodbUri,
      SESSION_SECRET,
      LOG_LEVEL: 'info',
      DATA_DIR: dataDir,
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  const messages: string[] = [];
  const errorLines: string[] = [];
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    let nl: number;
    while ((nl = stdout.indexOf('\n')) >= 0) {
      const line = stdout.slice(0, nl);
      stdout = stdout.slice(nl + 1);
      try {
        const entry = JSON.parse(line) as { msg?: unknown; level?: unknown };
        messages.push(String(entry.msg));
        if (typeof entry.level === 'number' && entry.level >= 50) errorLines.push(line.slice(0, 3000));
      } catch {
        messages.push(line);
      }
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-8000)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`app did not start: ${stderr}\n${messages.join('\n')}`)),
      90_000,
    );
    if (opts.untilListening) {
      const poll = setInterval(() => {
        if (messages.some((m) => m.startsWith('alliance-crm listening'))) {
          clearInterval(poll);
          clearTimeout(timer);
          resolve(requested);
        }
      }, 50);
      void exited.then(() => clearInterval(poll));
    }
    child.on('message', (m: { ready?: boolean; port?: number }) => {
      if (m.ready && typeof m.port === 'number') {
        clearTimeout(timer);
        resolve(m.port);
      }
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`app exited before ready (${code ?? signal}): ${stderr}\n${messages.join('\n')}`));
    });
  });
  return {
    child,
    port,
    base: `http://127.0.0.1:${port}`,
    logs: () => [...messages],
    errorLines: () => [...errorLines],
    stderr: () => stderr,
    exited,
    rss: () => {
      try {
        const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        return m ? Number(m[1]) * 1024 : 0;
      } catch {
        return 0;
      }
    },
  };
}

/** Kills whatever the tests left running and removes their data folders. */
export function cleanUpApps(): void {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  for (const dir of dataDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export async function dropDatabases(names: string[]): Promise<void> {
  const base = process.env.TEST_MONGODB_URI;
  if (!base || !names.length) return;
  const client = await MongoClient.connect(base, { serverSelectionTimeoutMS: 5000 });
  try {
    for (const name of names.splice(0)) await client.db(name).dropDatabase();
  } finally {
    await client.close();
  }
}

export interface Reply {
  status: number;
  text: string;
  location: string | null;
  headers: Headers;
}

/** A browser-like client: one cookie jar, CSRF token from the last form page, no redirects. */
export class Client {
  cookies = new Map<string, string>();
  csrf = '';
  constructor(public base: string) {}

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async request(
    method: 'GET' | 'POST',
    path: string,
    form?: Record<string, string>,
    timeoutMs = 20_000,
  ): Promise<Reply> {
    const headers: Record<string, string> = { Accept: 'text/html' };
    if (this.cookies.size) headers.Cookie = this.cookieHeader();
    let body: string | undefined;
    if (form) {
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams({ _csrf: this.csrf, ...form }).toString();
    }
    const res = await fetch(this.base + path, {
      method,
      headers,
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      this.cookies.set(pair!.slice(0, eq), pair!.slice(eq + 1));
    }
    const text = await res.text();
    const m = /name="_csrf" value="([^"]+)"/.exec(text);
    if (m) this.csrf = m[1]!;
    return { status: res.status, text, location: res.headers.get('location'), headers: res.headers };
  }

  get(path: string, timeoutMs?: number): Promise<Reply> {
    return this.request('GET', path, undefined, timeoutMs);
  }

  post(path: string, form: Record<string, string>, timeoutMs?: number): Promise<Reply> {
    return this.request('POST', path, form, timeoutMs);
  }

  async login(email: string, password: string): Promise<void> {
    await this.get('/login');
    const res = await this.post('/login', { email, password });
    if (res.status !== 302) throw new Error(`login failed: ${res.status} ${res.text.slice(0, 300)}`);
    const profile = await this.get('/profile');
    if (profile.status !== 200) throw new Error(`profile after login: ${profile.status}`);
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until fn() is truthy or the deadline passes (then throws with the label). */
export async function waitFor<T>(
  label: string,
  fn: () => Promise<T | null | undefined | false | 0 | ''>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${label}`);
    await sleep(200);
  }
}
