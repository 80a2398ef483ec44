import { Schema, model, type InferSchemaType, type Types } from 'mongoose';

const changeSchema = new Schema(
  {
    field: { type: String, required: true },
    before: { type: Schema.Types.Mixed, default: null },
    after: { type: Schema.Types.Mixed, default: null },
  },
  { _id: false },
);

const auditEntrySchema = new Schema(
  {
    at: { type: Date, required: true, default: () => new Date() },
    actor: { type: Schema.Types.ObjectId, ref: 'User', default: null },
    // Snapshot, so the log still reads right after the user is renamed or disabled.
    actorEmail: { type: String, default: null },
    action: { type: String, required: true, maxlength: 80 },
    entity: { type: String, required: true, maxlength: 40 },
    entityId: { type: String, default: null, maxlength: 64 },
    changes: { type: [changeSchema], default: [] },
    meta: { type: Schema.Types.Mixed, default: null },
    ip: { type: String, default: null },
  },
  { versionKey: false, collection: 'auditentries' },
);

// Newest first is keyset-paginated on _id; these serve the page's filters.
auditEntrySchema.index({ actor: 1, _id: -1 });
auditEntrySchema.index({ entity: 1, _id: -1 });
auditEntrySchema.index({ entity: 1, entityId: 1, _id: -1 });
auditEntrySchema.index({ action: 1, _id: -1 });

// Append-only: no code path may change or remove an entry.
const forbidden = (): never => {
  throw new Error('Audit entries are append-only');
};
for (const op of [
  'updateOne',
  'updateMany',
  'findOneAndUpdate',
  'replaceOne',
  'findOneAndReplace',
  'deleteOne',
  'deleteMany',
  'findOneAndDelete',
] as const) {
  auditEntrySchema.pre(op, forbidden);
}
auditEntrySchema.pre('save', function () {
  if (!this.isNew) forbidden();
});

export type AuditEntry = InferSchemaType<typeof auditEntrySchema> & { _id: Types.ObjectId };
export const AuditEntryModel = model('AuditEntry', auditEntrySchema);
