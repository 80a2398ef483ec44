import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request, type IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { MongoClient } from 'mongodb';
import { rootDir } from '../../src/lib/paths.js';
import { newDatabaseName, testDatabaseUri } from '../support/db.js';
import { freePort } from '../support/net.js';

interface RunningServer {
  child: ChildProcess;
  port: number;
  /** Messages of the JSON log lines printed so far. */
  logs: () => string[];
  stderr: () => string;
  waitForLog: (msg: string) => Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const children: ChildProcess[] = [];
const databases: string[] = [];
const dataDirs: string[] = [];

async function startServer(): Promise<RunningServer> {
  const port = await freePort();
  const dbName = newDatabaseName();
  databases.push(dbName);
  const dataDir = mkdtempSync(join(tmpdir(), 'alliance-crm-server-'));
  dataDirs.push(dataDir);
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: rootDir,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      PORT: String(port),
      MONGODB_URI: testDatabaseUri(dbName),
      SESSION_SECRET: 'shutdown-test-secret-0123456789abcdef',
      LOG_LEVEL: 'info',
      DATA_DIR: dataDir,
    },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  children.push(child);

  let stdout = '';
  let stderr = '';
  const messages: string[] = [];
  const waiters: { msg: string; resolve: () => void }[] = [];
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    let nl: number;
    while ((nl = stdout.indexOf('\n')) >= 0) {
      const line = stdout.slice(0, nl);
      stdout = stdout.slice(nl + 1);
      try {
        const msg = String((JSON.parse(line) as { msg?: unknown }).msg);
        messages.push(msg);
        for (const w of waiters.filter((x) => x.msg === msg)) w.resolve();
      } catch {
        messages.push(line);
      }
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );

  const ready = await new Promise<{ port: number }>((resolve, reject) => {
    child.on('message', (m: { ready?: boolean; port?: number }) => {
      if (m.ready && typeof m.port === 'number') resolve({ port: m.port });
    });
    void exited.then(({ code, signal }) =>
      reject(new Error(`server exited before ready (${code ?? signal}): ${stderr}\n${messages.join('\n')}`)),
    );
  });

  return {
    child,
    port: ready.port,
    logs: () => [...messages],
    stderr: () => stderr,
    waitForLog: (msg) =>
      messages.includes(msg)
        ? Promise.resolve()
        : new Promise<void>((resolve, reject) => {
            waiters.push({ msg, resolve });
            void exited.then(() => reject(new Error(`server exited without logging "${msg}"`)));
          }),
    exited,
  };
}

function collect(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => (body += chunk));
    res.once('end', () => resolve(body));
    res.once('error', reject);
  });
}

function get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      collect(res).then((body) => resolve({ status: res.statusCode ?? 0, body }), reject);
    });
    req.once('error', reject);
    req.end();
  });
}

/** Resolves with the connect error code, or 'connected'. */
function tryConnect(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

describe('the server process', function () {
  this.timeout(60_000);

  afterEach(function () {
    for (const child of children.splice(0)) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });

  after(async function () {
    for (const dir of dataDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
    const base = process.env.TEST_MONGODB_URI;
    if (!base || !databases.length) return;
    const client = await MongoClient.connect(base, { serverSelectionTimeoutMS: 5000 });
    try {
      for (const name of databases.splice(0)) await client.db(name).dropDatabase();
    } finally {
      await client.close();
    }
  });

  it('when it has started, then GET /healthz answers 200 {"status":"ok"}', async () => {
    const server = await startServer();
    const res = await get(server.port, '/healthz');
    expect(res.status).to.equal(200);
    expect(JSON.parse(res.body)).to.deep.equal({ status: 'ok' });
    expect(server.logs()).to.include('jobs started');
  });

  it('when SIGTERM arrives during a request, then that request completes, new connections are refused and the process exits 0', async () => {
    const server = await startServer();
    const body = 'email=someone%40example.test&password=not-the-password';
    const half = body.slice(0, 20);

    // A keep-alive agent: after the response its socket sits idle, which shutdown must close.
    const agent = new Agent({ keepAlive: true });
    const req = request({
      host: '127.0.0.1',
      port: server.port,
      method: 'POST',
      path: '/login',
      agent,
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        'Content-Length': String(Buffer.byteLength(body)),
        Accept: 'application/json',
      },
    });
    const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
      req.once('response', (res) => {
        collect(res).then((text) => resolve({ status: res.statusCode ?? 0, body: text }), reject);
      });
      req.once('error', reject);
    });
    req.flushHeaders();
    req.write(half);
    // Let the server read the headers and the first half before the signal.
    await new Promise((r) => setTimeout(r, 200));

    server.child.kill('SIGTERM');
    await server.waitForLog('shutting down');
    await new Promise((r) => setTimeout(r, 200));
    expect(await tryConnect(server.port)).to.equal('ECONNREFUSED');

    req.end(body.slice(half.length));
    const res = await response;
    expect(res.status).to.equal(403);
    expect(JSON.parse(res.body)).to.have.nested.property('error.code', 'csrf');

    const { code, signal } = await server.exited;
    agent.destroy();
    expect(signal).to.equal(null);
    expect(code, server.stderr()).to.equal(0);
    const logs = server.logs();
    expect(logs).to.include('stopped');
    expect(logs).not.to.include('shutdown took too long; exiting');
    expect(logs).not.to.include('stopping jobs failed');
    expect(logs).not.to.include('closing database failed');
  });

  it('when SIGINT arrives, then the process stops cleanly with exit code 0', async () => {
    const server = await startServer();
    server.child.kill('SIGINT');
    const { code, signal } = await server.exited;
    expect(signal).to.equal(null);
    expect(code, server.stderr()).to.equal(0);
    expect(server.logs()).to.include.members(['shutting down', 'stopped']);
  });
});
