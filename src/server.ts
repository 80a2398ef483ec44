import type { Server } from 'node:http';
import { config } from './config/index.js';
import { createApp } from './app.js';
import {
  connectDatabase,
  disconnectDatabase,
  LauncherUnavailableError,
  mongoose,
  resolveDatabase,
  type ResolvedDatabase,
} from './lib/db/index.js';
import { startJobs, stopJobs } from './lib/jobs.js';
import { logger } from './lib/logger.js';
import { JOB_DEFINERS } from './jobs.js';
import { startTileWarmer, stopTileWarmer } from './modules/home/index.js';
import { partnerKeysReady } from './modules/partners/index.js';

const SHUTDOWN_GRACE_MS = 10_000;

let database: ResolvedDatabase | undefined;
let server: Server | undefined;
let stopping = false;

async function start(): Promise<void> {
  const app = createApp();
  // Listen first: /healthz answers 503 until the database is up, so orchestrators can wait.
  server = app.listen(config.port, config.host);
  await new Promise<void>((resolve, reject) => {
    server!.once('listening', resolve);
    server!.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info({ port }, `alliance-crm listening on http://localhost:${port}`);

  database = await resolveDatabase((msg) => logger.info({ component: 'ferretdb' }, msg));
  await connectDatabase(database.uri);
  logger.info({ source: database.source }, 'database connected');
  if (stopping) return;
  await startJobs(mongoose.connection.db!, JOB_DEFINERS);
  logger.info('jobs started');
  // A database written before the partner key collection gets it now, not at the first import.
  void partnerKeysReady().catch((err: unknown) => logger.error({ err }, 'partner key backfill failed'));
  if (process.send) process.send({ ready: true, port });
  // A supervising process (the benchmark) learns when the dashboard is warm.
  void startTileWarmer().then((tiles) => {
    if (process.send && process.connected) process.send({ tilesWarmed: tiles });
  });
}

async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down');
  const force = setTimeout(() => {
    logger.error('shutdown took too long; exiting');
    process.exit(1);
  }, SHUTDOWN_GRACE_MS);
  force.unref();

  if (server) {
    const closed = new Promise<void>((resolve) => server!.close(() => resolve()));
    // Idle keep-alive sockets would hold close() open; in-flight requests finish first.
    server.closeIdleConnections();
    const idleSweep = setInterval(() => server?.closeIdleConnections(), 100);
    await closed;
    clearInterval(idleSweep);
  }
  stopTileWarmer();
  await stopJobs().catch((err: unknown) => logger.error({ err }, 'stopping jobs failed'));
  await disconnectDatabase().catch((err: unknown) => logger.error({ err }, 'closing database failed'));
  await database?.launcher?.stop();
  logger.info('stopped');
  process.exit(0);
}

process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

start().catch(async (err: unknown) => {
  if (err instanceof LauncherUnavailableError) {
    console.error(err.message);
  } else {
    logger.fatal({ err }, 'start failed');
  }
  server?.close();
  await database?.launcher?.stop();
  process.exit(1);
});
