import type { MongoClient } from 'mongodb';
import mongoose from 'mongoose';

// Query selector injection guard: objects with $-keys in filters become literal $eq matches
// unless the code marks them with trusted(). strictQuery drops unknown filter paths.
mongoose.set('sanitizeFilter', true);
mongoose.set('strictQuery', true);
mongoose.set('autoIndex', false);

export { mongoose };

/** Marks an operator object written by our own code, so sanitizeFilter leaves it alone. */
export function trusted<T extends object>(filter: T): T {
  return mongoose.trusted(filter) as T;
}

/** Distinct valid ObjectIds from a list of ids (nulls and malformed ids dropped), for `$in` lookups. */
export function objectIds(ids: readonly unknown[]): mongoose.Types.ObjectId[] {
  const unique = new Set(ids.filter((id) => id != null).map(String));
  return [...unique].filter((id) => /^[0-9a-f]{24}$/i.test(id)).map((id) => new mongoose.Types.ObjectId(id));
}

type Filter = Record<string, unknown>;

/**
 * All of the clauses as one filter, flat where no field repeats: `{ a: 1, b: 2 }` rather than
 * `{ $and: [{ a: 1 }, { b: 2 }] }`. Both mean the same to MongoDB, but FerretDB (PostgreSQL)
 * pushes top-level equalities down to SQL and nothing inside `$and`, so a flat filter lets
 * PostgreSQL drop non-matching rows instead of FerretDB decoding every document. Clauses whose
 * fields clash (a second `$or`, a range on a field already constrained) stay in a `$and`.
 */
export function allOf(clauses: readonly Filter[]): Filter {
  const flat: Filter = {};
  const rest: Filter[] = [];
  const queue = [...clauses];
  while (queue.length) {
    const clause = queue.shift()!;
    const keys = Object.keys(clause);
    if (keys.length === 1 && keys[0] === '$and' && Array.isArray(clause.$and)) {
      queue.unshift(...(clause.$and as Filter[]));
    } else if (keys.some((k) => k in flat)) {
      rest.push(clause);
    } else {
      Object.assign(flat, clause);
    }
  }
  if (rest.length) flat.$and = rest;
  return flat;
}

export async function connectDatabase(uri: string): Promise<typeof mongoose> {
  await mongoose.connect(uri, {
    serverSelectionTimeoutMS: 5000,
  });
  await ensureIndexes();
  return mongoose;
}

/**
 * Creates each model's declared indexes. syncIndexes cannot read FerretDB's index options,
 * and createIndexes is idempotent on both servers.
 */
export async function ensureIndexes(): Promise<void> {
  for (const model of Object.values(mongoose.models)) {
    await model.createIndexes();
  }
}

/** The driver client once mongoose has connected (the session store waits on this). */
export function connectedClient(): Promise<MongoClient> {
  const conn = mongoose.connection;
  if (conn.readyState === 1) return Promise.resolve(conn.getClient());
  return new Promise((resolve) => conn.once('connected', () => resolve(conn.getClient())));
}

export function databaseReady(): boolean {
  return mongoose.connection.readyState === 1;
}

export async function pingDatabase(): Promise<boolean> {
  const db = mongoose.connection.db;
  if (!db || !databaseReady()) return false;
  try {
    await db.admin().command({ ping: 1 });
    return true;
  } catch {
    return false;
  }
}

const UNAVAILABLE =
  /^Mongo(ose)?(ServerSelection|Network|NetworkTimeout|NotConnected|TopologyClosed|PoolCleared|ServerClosed)Error$/;

/**
 * True for the driver's "cannot reach the database" errors (also wrapped as a cause). While the
 * driver has not yet noticed an outage the gate lets requests through; their queries then fail
 * with one of these, which is a 503 like the gate's, not a server error.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    if (UNAVAILABLE.test(String((e as { name?: unknown }).name))) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

export async function disconnectDatabase(): Promise<void> {
  await mongoose.disconnect();
}

export { resolveDatabase, NO_DATABASE_MESSAGE, type ResolvedDatabase } from './resolve.js';
export { LauncherUnavailableError, buildLauncher, startLauncher, type RunningLauncher } from './ferretdb.js';
