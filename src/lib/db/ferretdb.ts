import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { cacheDir, rootDir } from '../paths.js';

const sourceDir = join(rootDir, 'scripts', 'ferretdb');
const SOURCES = ['main.go', 'go.mod', 'go.sum'];

export class LauncherUnavailableError extends Error {}

export function goAvailable(): boolean {
  return spawnSync('go', ['version'], { stdio: 'ignore' }).status === 0;
}

/** Path of the launcher binary for the current sources; the hash makes a source change rebuild it. */
export function launcherPath(): string {
  const hash = createHash('sha256');
  for (const f of SOURCES) hash.update(readFileSync(join(sourceDir, f)));
  return join(cacheDir, 'ferretdb', `ferretdb-launcher-${hash.digest('hex').slice(0, 12)}`);
}

/** Builds the launcher once; later calls return the cached binary. */
export function buildLauncher(log: (msg: string) => void = () => {}): string {
  const bin = launcherPath();
  if (existsSync(bin)) return bin;
  if (!goAvailable()) throw new LauncherUnavailableError('Go toolchain not found on PATH');
  mkdirSync(join(cacheDir, 'ferretdb'), { recursive: true });
  log('Building the embedded FerretDB launcher with Go (first run only, about two minutes)…');
  const tmp = `${bin}.${process.pid}.tmp`;
  const res = spawnSync('go', ['build', '-trimpath', '-o', tmp, '.'], {
    cwd: sourceDir,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (res.status !== 0) {
    rmSync(tmp, { force: true });
    throw new LauncherUnavailableError(`go build of the FerretDB launcher failed (exit ${res.status})`);
  }
  // Rename is atomic, so two processes building at once both end with a whole binary.
  renameSync(tmp, bin);
  return bin;
}

export interface LauncherOptions {
  port: number;
  postgresqlUrl?: string | undefined;
  sqliteDir?: string | undefined;
  log?: (msg: string) => void;
  /** FerretDB's own log level; warn logs every "no such command" the driver probes for. */
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
}

export interface RunningLauncher {
  uri: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

export function portAnswers(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    socket.setTimeout(500);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Starts the launcher and resolves once it prints READY. */
export async function startLauncher(opts: LauncherOptions): Promise<RunningLauncher> {
  const bin = buildLauncher(opts.log);
  const listen = `127.0.0.1:${opts.port}`;
  const args = ['-listen', listen, '-log-level', opts.logLevel ?? 'error'];
  if (opts.postgresqlUrl) {
    args.push('-handler', 'postgresql', '-postgresql-url', opts.postgresqlUrl);
  } else {
    const dir = opts.sqliteDir ?? join(rootDir, 'data', 'ferretdb');
    mkdirSync(dir, { recursive: true });
    args.push('-handler', 'sqlite', '-sqlite-url', `file:${dir.endsWith('/') ? dir : dir + '/'}`);
  }
  // stdin stays a pipe we never close: if this process dies, the launcher sees EOF and exits.
  const child = spawn(bin, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });

  const uri = await new Promise<string>((resolve, reject) => {
    let out = '';
    const onData = (chunk: Buffer): void => {
      out += chunk.toString();
      const m = /READY (\S+)/.exec(out);
      if (m) {
        child.stdout!.off('data', onData);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`FerretDB launcher exited (${code}): ${stderr.trim()}`)));
    child.once('error', reject);
  });
  child.stderr!.on('data', (chunk: Buffer) => opts.log?.(chunk.toString().trimEnd()));

  return {
    uri,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}
