import { Schema, model, type InferSchemaType, type Types } from 'mongoose';

export const BATCH_STATUSES = ['queued', 'running', 'done', 'failed'] as const;
export type BatchStatus = (typeof BATCH_STATUSES)[number];

/**
 * One import: an applied one (the batch an admin can undo) or a background run (dry run or
 * not) with its progress. Synchronous dry runs leave nothing behind. What each written record
 * looked like before sits in importItems, one document per record, so a 20,000-row batch is
 * not one oversized document.
 */
const importBatchSchema = new Schema(
  {
    user: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    entity: { type: String, required: true },
    fileName: { type: String, required: true },
    fileType: { type: String, enum: ['csv', 'xlsx'], required: true },
    dryRun: { type: Boolean, default: false },
    mode: { type: String, required: true },
    allOrNothing: { type: Boolean, default: false },
    background: { type: Boolean, default: false },
    status: { type: String, enum: BATCH_STATUSES, required: true, default: 'queued' },
    rowsDone: { type: Number, default: 0 },
    rowsTotal: { type: Number, default: 0 },
    // The uploaded file of a background run, deleted once the run is over.
    fileId: { type: String, default: null },
    claim: { type: String, default: null },
    startedAt: { type: Date, default: null },
    finishedAt: { type: Date, default: null },
    error: { type: String, default: null },
    // The report as the page shows it (rows capped; see imports.core StoredReport).
    report: { type: Schema.Types.Mixed, default: null },
    created: { type: Number, default: 0 },
    updated: { type: Number, default: 0 },
    // Set after the last write: a record whose updatedAt is later was touched since.
    appliedAt: { type: Date, default: null },
    undoneAt: { type: Date, default: null },
    undoneBy: { type: Schema.Types.ObjectId, ref: 'User', default: null },
    // A large undo runs as a job: who asked, its state and how many records it has put back.
    undo: {
      type: new Schema(
        {
          by: { type: Schema.Types.ObjectId, ref: 'User', required: true },
          status: { type: String, enum: BATCH_STATUSES, required: true },
          done: { type: Number, default: 0 },
          total: { type: Number, default: 0 },
          claim: { type: String, default: null },
          ip: { type: String, default: null },
          error: { type: String, default: null },
        },
        { _id: false },
      ),
      default: null,
    },
    ip: { type: String, default: null },
  },
  { timestamps: true, collection: 'importBatches', minimize: false },
);

importBatchSchema.index({ createdAt: -1, _id: -1 });
importBatchSchema.index({ user: 1, createdAt: -1, _id: -1 });
importBatchSchema.index({ status: 1, createdAt: 1 });

export type ImportBatch = InferSchemaType<typeof importBatchSchema> & {
  _id: Types.ObjectId;
  createdAt: Date;
  updatedAt: Date;
};
export const ImportBatchModel = model('ImportBatch', importBatchSchema);

/** A record an applied batch created or updated, with the updated fields' previous values. */
const importItemSchema = new Schema(
  {
    batch: { type: Schema.Types.ObjectId, ref: 'ImportBatch', required: true },
    kind: { type: String, enum: ['created', 'updated'], required: true },
    record: { type: Schema.Types.ObjectId, required: true },
    before: { type: Schema.Types.Mixed, default: null },
  },
  { collection: 'importItems', minimize: false },
);

importItemSchema.index({ batch: 1, kind: 1 });

export type ImportItem = InferSchemaType<typeof importItemSchema> & { _id: Types.ObjectId };
export const ImportItemModel = model('ImportItem', importItemSchema);
