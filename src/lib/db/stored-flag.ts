import type { Schema } from 'mongoose';

type Update = Record<string, unknown>;

/**
 * Keeps a stored boolean `flag` equal to `derive(doc[field])` on every write path of a schema:
 * save, insertMany, and updateOne/updateMany/findOneAndUpdate setting `field` directly, in `$set`
 * or in `$setOnInsert` (raw driver writes and bulkWrite bypass it: give them the flag yourself).
 * FerretDB hands a top-level boolean equality to PostgreSQL but decodes every document for
 * `field: null` or a range, so queries that run often ask for the flag instead, and no writer
 * can forget to set it.
 */
export function keepStoredFlag(
  schema: Schema,
  flag: string,
  field: string,
  derive: (value: unknown) => boolean,
): void {
  schema.pre(['updateOne', 'updateMany', 'findOneAndUpdate'], function () {
    const update = this.getUpdate() as Update | null;
    if (!update) return;
    for (const target of [update, update.$set, update.$setOnInsert] as (Update | undefined)[]) {
      if (target && field in target) target[flag] = derive(target[field]);
    }
  });
  schema.pre('save', function () {
    this.set(flag, derive(this.get(field)));
  });
  schema.pre('insertMany', function (docs: unknown) {
    for (const doc of [docs].flat() as Update[]) {
      if (doc && typeof doc === 'object') doc[flag] = derive(doc[field]);
    }
  });
}
