import { randomBytes } from 'node:crypto';
import type { Express } from 'express';
import { createApp } from '../../src/app.js';
import { connectDatabase, disconnectDatabase, mongoose } from '../../src/lib/db/index.js';
import { clearShortCache } from '../../src/lib/short-cache.js';

export function testDatabaseUri(name: string): string {
  const base = process.env.TEST_MONGODB_URI;
  if (!base) throw new Error('TEST_MONGODB_URI is not set: run tests through mocha (npm test)');
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

export function newDatabaseName(): string {
  return `test_${randomBytes(5).toString('hex')}`;
}

/**
 * Gives the calling describe() block a fresh database and an app bound to it, dropped afterwards.
 * Returns a getter because the app only exists once before() has run.
 */
export function useTestApp(options: { monitorCommands?: boolean } = {}): {
  app: () => Express;
  uri: () => string;
} {
  let app: Express | undefined;
  let uri = '';
  before(async function () {
    this.timeout(60_000);
    uri = testDatabaseUri(newDatabaseName());
    // Command monitoring is fixed per pooled connection, so it is asked for in the URI.
    if (options.monitorCommands) uri += `${uri.includes('?') ? '&' : '?'}monitorCommands=true`;
    await connectDatabase(uri);
    // Cached dashboard tiles of the previous test file's database must not show here.
    clearShortCache();
    app = createApp();
  });
  after(async function () {
    this.timeout(60_000);
    if (mongoose.connection.readyState === 1) await mongoose.connection.dropDatabase();
    await disconnectDatabase();
  });
  return {
    app: () => {
      if (!app) throw new Error('useTestApp: app used before before() ran');
      return app;
    },
    uri: () => uri,
  };
}

/** Empties every collection between tests that need a clean slate. */
export async function clearDatabase(): Promise<void> {
  clearShortCache();
  const db = mongoose.connection.db!;
  const collections = await db.collections();
  await Promise.all(collections.map((c) => c.deleteMany({})));
}
