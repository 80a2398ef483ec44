import {
  connectDatabase,
  disconnectDatabase,
  resolveDatabase,
  type ResolvedDatabase,
} from '../src/lib/db/index.js';

/** Runs a command-line task against the resolved database, then closes everything. */
export async function withDatabase<T>(task: () => Promise<T>): Promise<T> {
  let db: ResolvedDatabase | undefined;
  try {
    db = await resolveDatabase((msg) => process.stderr.write(`${msg}\n`));
    await connectDatabase(db.uri);
    return await task();
  } finally {
    await disconnectDatabase().catch(() => undefined);
    await db?.launcher?.stop();
  }
}

export function parseArgs(argv: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) throw new Error(`unexpected argument: ${arg}`);
    const [key, inline] = arg.slice(2).split('=', 2) as [string, string | undefined];
    if (inline !== undefined) out[key] = inline;
    else {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith('--')) throw new Error(`--${key} needs a value`);
      out[key] = value;
      i += 1;
    }
  }
  return out;
}

export function fail(message: string): never {
  console.error(message);
  process.exit(1);
}
