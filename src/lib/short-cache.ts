import type { Schema } from 'mongoose';
import { logger } from './logger.js';

/**
 * A short in-process cache for expensive read-only summaries (dashboard tiles). FerretDB v1 reads
 * every document of a collection for any filter but `_id` (see README "Database notes"), so a
 * count over all cases costs seconds at alliance scale however narrow the filter; these values
 * may lag a little and are asked for by many users.
 *
 * - A value is fresh for `ttlMs`; after that the old value is served once more while one
 *   refresh runs in the background, so only the very first request waits for the database.
 *   Older than `maxStaleMs` (default 5 × ttl) it is not served at all.
 * - Concurrent requests for a missing value share one load (no stampede under load).
 * - Each value depends on tags ('cases', 'partners', …); a write through a model marked with
 *   `invalidateOnWrite` outdates every value of its tag in this process (see `afterWrite`).
 *   Other instances catch up within ttl.
 */
interface Entry {
  value?: unknown;
  loadedAt: number;
  /** Tag generation the value was loaded at. */
  generation: number;
  pending?: Promise<unknown>;
  pendingGeneration?: number;
}

export interface CacheOptions {
  ttlMs: number;
  tags: readonly string[];
  /**
   * After a write of one of the tags: 'reload' waits for a fresh value (personal data: the writer
   * sees the change at once); 'background' serves the old value once more while it reloads
   * (shared summaries: a stream of writes never makes a viewer wait).
   */
  afterWrite: 'reload' | 'background';
  /** How old a value may be and still be served while it refreshes (default 5 × ttlMs). */
  maxStaleMs?: number;
}

const MAX_ENTRIES = 5000;
const entries = new Map<string, Entry>();
const generations = new Map<string, number>();

function generationOf(tags: readonly string[]): number {
  let sum = 0;
  for (const tag of tags) sum += generations.get(tag) ?? 0;
  return sum;
}

export function invalidateTag(tag: string): void {
  generations.set(tag, (generations.get(tag) ?? 0) + 1);
}

/** Empties the cache (tests). */
export function clearShortCache(): void {
  entries.clear();
}

function load<T>(key: string, tags: readonly string[], work: () => Promise<T>): Promise<T> {
  const generation = generationOf(tags);
  const previous = entries.get(key);
  const pending = work().then(
    (value) => {
      if (entries.get(key)?.pending === pending) {
        entries.delete(key);
        entries.set(key, { value, loadedAt: Date.now(), generation });
      }
      return value;
    },
    (err: unknown) => {
      const current = entries.get(key);
      if (current?.pending === pending) {
        if ('value' in current)
          entries.set(key, { ...current, pending: undefined, pendingGeneration: undefined });
        else entries.delete(key);
      }
      throw err;
    },
  );
  entries.set(key, { ...(previous ?? { loadedAt: 0, generation }), pending, pendingGeneration: generation });
  if (entries.size > MAX_ENTRIES) entries.delete(entries.keys().next().value!);
  return pending;
}

/** The value under `key`, loaded by `work` when missing, too old or outdated by a write. */
export async function cached<T>(key: string, options: CacheOptions, work: () => Promise<T>): Promise<T> {
  const entry = entries.get(key);
  const generation = generationOf(options.tags);
  if (entry && 'value' in entry) {
    const age = Date.now() - entry.loadedAt;
    const current = entry.generation === generation;
    if (current && age < options.ttlMs) return entry.value as T;
    const maxStale = options.maxStaleMs ?? options.ttlMs * 5;
    if (age < maxStale && (current || options.afterWrite === 'background')) {
      if (entry.pendingGeneration !== generation) {
        load(key, options.tags, work).catch((err: unknown) =>
          logger.error({ err, key }, 'background refresh of a cached value failed'),
        );
      }
      return entry.value as T;
    }
  }
  if (entry?.pending && entry.pendingGeneration === generation) return entry.pending as Promise<T>;
  return load(key, options.tags, work);
}

/**
 * The value under `key` as `cached` would hold it, but never a stale one: waits for a load unless
 * the stored value is fresh. For warming ahead of users (the dashboard's tile warmer), which
 * wants each load finished before starting the next.
 */
export function freshValue<T>(key: string, options: CacheOptions, work: () => Promise<T>): Promise<T> {
  const entry = entries.get(key);
  const generation = generationOf(options.tags);
  if (
    entry &&
    'value' in entry &&
    entry.generation === generation &&
    Date.now() - entry.loadedAt < options.ttlMs
  ) {
    return Promise.resolve(entry.value as T);
  }
  if (entry?.pending && entry.pendingGeneration === generation) return entry.pending as Promise<T>;
  return load(key, options.tags, work);
}

const WRITES = [
  'save',
  'updateOne',
  'updateMany',
  'findOneAndUpdate',
  'findOneAndDelete',
  'findOneAndReplace',
  'replaceOne',
  'deleteOne',
  'deleteMany',
  'insertMany',
  'bulkWrite',
] as const;

/** Every write through this schema's model drops the cached values tagged `tag`. */
export function invalidateOnWrite(schema: Schema, tag: string): void {
  for (const op of WRITES) {
    schema.post(op as 'save', () => invalidateTag(tag));
  }
}
