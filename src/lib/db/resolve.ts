import { join } from 'node:path';
import { config } from '../../config/index.js';
import {
  goAvailable,
  LauncherUnavailableError,
  portAnswers,
  startLauncher,
  type RunningLauncher,
} from './ferretdb.js';

export const NO_DATABASE_MESSAGE = [
  'alliance-crm needs a MongoDB-compatible database and found none.',
  'Either set MONGODB_URI to a MongoDB 7 server or replica set (for example',
  'MONGODB_URI=mongodb://127.0.0.1:27017/alliance-crm npm start), or install the Go toolchain',
  '(https://go.dev/dl/, version 1.22 or newer, with access to the Go module proxy) so that',
  'npm start can build and run the embedded FerretDB database from scripts/ferretdb on its own.',
].join(' ');

export interface ResolvedDatabase {
  uri: string;
  source: 'mongodb' | 'ferretdb-postgresql' | 'ferretdb-sqlite' | 'ferretdb-shared';
  launcher?: RunningLauncher;
}

const DB_NAME = 'alliance_crm';

/** SPEC "Database": MONGODB_URI → FerretDB launcher (PostgreSQL, else SQLite) → a clear message. */
export async function resolveDatabase(log: (msg: string) => void): Promise<ResolvedDatabase> {
  if (config.mongodbUri) return { uri: config.mongodbUri, source: 'mongodb' };

  const port = config.ferretdb.port;
  // A launcher another local process started (npm start while running npm run seed) is reused,
  // so only one process ever opens the SQLite files.
  if (await portAnswers(port)) {
    return { uri: `mongodb://127.0.0.1:${port}/${DB_NAME}`, source: 'ferretdb-shared' };
  }
  if (!goAvailable()) throw new LauncherUnavailableError(NO_DATABASE_MESSAGE);

  const postgresqlUrl = config.ferretdb.postgresqlUrl;
  const launcher = await startLauncher({
    port,
    postgresqlUrl,
    sqliteDir: join(config.dataDir, 'ferretdb'),
    log,
  });
  return {
    uri: `mongodb://127.0.0.1:${port}/${DB_NAME}`,
    source: postgresqlUrl ? 'ferretdb-postgresql' : 'ferretdb-sqlite',
    launcher,
  };
}
