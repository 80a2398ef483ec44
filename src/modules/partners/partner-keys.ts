import { Schema, model, Types, type Query } from 'mongoose';
import { trusted } from '../../lib/db/index.js';
import { backfillOnce } from '../../lib/once.js';

/**
 * Every partner's duplicate keys (name key, website host) in a collection of their own, for
 * imports that match thousands of rows at once. FerretDB cannot use an index for `$in` and
 * decodes each whole partner document to read two of its fields; reading these small documents
 * instead is several times faster (see README "Benchmark"). The partner model's write hooks keep
 * it (keepPartnerKeys); backfillPartnerKeys builds it for a database written before it. A key
 * document whose partner is gone or changed is harmless: matches are re-read from the partners.
 */
const partnerKeySchema = new Schema(
  {
    _id: { type: Schema.Types.ObjectId, required: true },
    nameKey: { type: String, required: true },
    websiteHost: { type: String, default: null },
  },
  { versionKey: false, collection: 'partnerkeys' },
);

export const PartnerKeyModel = model('PartnerKey', partnerKeySchema);

interface KeyFields {
  _id: Types.ObjectId;
  nameKey: string;
  websiteHost?: string | null;
}

const KEY_FIELDS = { nameKey: 1, websiteHost: 1 } as const;
const WRITE_BATCH = 1000;

function keyDoc(p: KeyFields) {
  return { _id: p._id, nameKey: p.nameKey, websiteHost: p.websiteHost ?? null };
}

function onlyDuplicateKeys(err: unknown): boolean {
  const e = err as { code?: unknown; writeErrors?: { code?: unknown }[] };
  if (e.code === 11000 && !e.writeErrors) return true;
  return Array.isArray(e.writeErrors) && e.writeErrors.every((w) => w.code === 11000);
}

/**
 * Adds the keys of new partners. A key already there (a backfill racing with the insert) is
 * left as it is: both wrote the same values. Inserts, not upserts: FerretDB scans the collection
 * for each upsert's `_id`, which a 10,000-row import would do 10,000 times.
 */
export async function insertKeys(partners: readonly KeyFields[]): Promise<void> {
  for (let i = 0; i < partners.length; i += WRITE_BATCH) {
    const batch = partners.slice(i, i + WRITE_BATCH).filter((p) => p._id && p.nameKey);
    if (!batch.length) continue;
    try {
      await PartnerKeyModel.collection.insertMany(batch.map(keyDoc), { ordered: false });
    } catch (err) {
      if (!onlyDuplicateKeys(err)) throw err;
    }
  }
}

/** Overwrites (or adds) the keys of changed partners, one by one. */
async function replaceKeys(partners: readonly KeyFields[]): Promise<void> {
  for (const p of partners) {
    if (!p._id || !p.nameKey) continue;
    await PartnerKeyModel.collection.replaceOne({ _id: p._id }, keyDoc(p), { upsert: true });
  }
}

type Update = Record<string, unknown>;

/** The `$set` of an update that changes a duplicate key, else null. */
function keyChange(update: Update | null): Update | null {
  const set = (update?.$set ?? update) as Update | undefined;
  return set && ('nameKey' in set || 'websiteHost' in set) ? set : null;
}

/**
 * Registers the write hooks that keep the key collection: create and save, insertMany, and any
 * update that sets nameKey or websiteHost (services set both with derivePartnerKeys). Raw driver
 * writes bypass them: the benchmark generator's fill a new database, whose keys the backfill
 * at server start adds; anything else calls insertKeys.
 */
export function keepPartnerKeys(schema: Schema): void {
  schema.pre('save', function () {
    this.$locals.wasNew = this.isNew;
  });
  schema.post('save', async function () {
    const keys = [this as unknown as KeyFields];
    await (this.$locals.wasNew ? insertKeys(keys) : replaceKeys(keys));
  });
  schema.post('insertMany', async function (docs: unknown) {
    await insertKeys([docs].flat() as KeyFields[]);
  });
  schema.post(['updateOne', 'updateMany', 'findOneAndUpdate'], async function () {
    const query = this as unknown as Query<unknown, unknown>;
    const set = keyChange(query.getUpdate() as Update | null);
    if (!set) return;
    const filter = query.getFilter();
    const id = filter._id;
    if (
      (id instanceof Types.ObjectId || typeof id === 'string') &&
      'nameKey' in set &&
      'websiteHost' in set
    ) {
      await replaceKeys([{ _id: new Types.ObjectId(String(id)), ...(set as Omit<KeyFields, '_id'>) }]);
      return;
    }
    // Anything else: read what the update wrote.
    const model = query.model;
    await replaceKeys(await model.find(id ? { _id: id } : filter, KEY_FIELDS).lean<KeyFields[]>());
  });
}

/**
 * Adds the keys of partners that have none, in batches, and returns how many; keys the hooks
 * wrote are kept. Safe to repeat; runs once per database (partnerKeysReady).
 */
export async function backfillPartnerKeys(): Promise<number> {
  const partners = model('Partner');
  // Keys the hooks already wrote are left out: each duplicate insert is an error line in
  // FerretDB's log, thousands of them for a database whose partners mostly have keys.
  const have = new Set<string>();
  for await (const k of PartnerKeyModel.find({}, { _id: 1 }).lean().cursor({ batchSize: 5000 })) {
    have.add(String(k._id));
  }
  let done = 0;
  let batch: KeyFields[] = [];
  for await (const p of partners.find({}, KEY_FIELDS).lean<KeyFields[]>().cursor({ batchSize: 5000 })) {
    if (have.has(String(p._id))) continue;
    batch.push(p);
    if (batch.length >= 5000) {
      await insertKeys(batch);
      done += batch.length;
      batch = [];
    }
  }
  await insertKeys(batch);
  return done + batch.length;
}

/**
 * Resolves once the key collection is complete: at once, after the first call in a database
 * written before it existed (the server calls this at start, so that first call is not an import).
 */
export function partnerKeysReady(): Promise<void> {
  return backfillOnce('backfill:partnerkeys', backfillPartnerKeys);
}

/** Ids of partners whose name key or website host is among these, from the key collection. */
async function idsFromKeyCollection(keySet: Set<string>, hostSet: Set<string>): Promise<Types.ObjectId[]> {
  await partnerKeysReady();
  const ids: Types.ObjectId[] = [];
  const all = PartnerKeyModel.find({}, KEY_FIELDS).lean<KeyFields[]>().cursor({ batchSize: 5000 });
  for await (const p of all) {
    if (keySet.has(p.nameKey) || (p.websiteHost && hostSet.has(p.websiteHost))) ids.push(p._id);
  }
  return ids;
}

// Up to this many lookups go one equality at a time: FerretDB hands each to PostgreSQL (one scan
// there, nothing decoded but the matches), where `$in` or `$or` make it decode every partner.
const ONE_BY_ONE = 8;
const IN_LIMIT = 1000;

/**
 * The partners (archived ones too) whose name key or website host is among these, with the given
 * fields: the duplicate rules of the partner form, for many rows at once.
 */
export async function findPartnersByKeys<T extends { _id: Types.ObjectId }>(
  keys: readonly string[],
  hosts: readonly string[],
  fields: Record<string, number>,
): Promise<T[]> {
  const partners = model('Partner');
  fields = { ...fields, ...KEY_FIELDS };
  const keySet = new Set(keys.filter(Boolean));
  const hostSet = new Set(hosts.filter(Boolean));
  const found = new Map<string, T>();
  const keep = (rows: T[]) => rows.forEach((r) => found.set(r._id.toHexString(), r));
  if (keySet.size + hostSet.size <= ONE_BY_ONE) {
    const lookups = [
      ...[...keySet].map((nameKey) => ({ nameKey })),
      ...[...hostSet].map((websiteHost) => ({ websiteHost })),
    ];
    for (const rows of await Promise.all(lookups.map((f) => partners.find(f, fields).lean<T[]>())))
      keep(rows);
    return [...found.values()];
  }
  const ids = await idsFromKeyCollection(keySet, hostSet);
  if (ids.length <= ONE_BY_ONE) {
    const rows = await Promise.all(ids.map((_id) => partners.find({ _id }, fields).lean<T[]>()));
    keep(rows.flat());
  } else if (ids.length <= IN_LIMIT) {
    keep(await partners.find({ _id: trusted({ $in: ids }) }, fields).lean<T[]>());
  } else {
    // Many matches: one pass over the partners (each `$in` would be one on FerretDB).
    const wanted = new Set(ids.map((id) => id.toHexString()));
    for await (const p of partners.find({}, fields).lean<T[]>().cursor({ batchSize: 2000 })) {
      if (wanted.has(p._id.toHexString())) found.set(p._id.toHexString(), p);
    }
  }
  // A key document may be stale: keep only partners whose own keys still match.
  return [...found.values()].filter((p) => {
    const k = p as unknown as KeyFields;
    return keySet.has(k.nameKey) || (k.websiteHost != null && hostSet.has(k.websiteHost));
  });
}
