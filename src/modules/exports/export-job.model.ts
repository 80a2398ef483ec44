import { Schema, model, type InferSchemaType, type Types } from 'mongoose';

export const EXPORT_FORMATS = ['csv', 'xlsx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export const EXPORT_STATUSES = ['queued', 'running', 'done', 'failed', 'expired'] as const;

/** A background export: who asked for what, its progress, and the stored file once done. */
const exportJobSchema = new Schema(
  {
    user: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    entity: { type: String, required: true },
    format: { type: String, required: true, enum: EXPORT_FORMATS },
    filters: { type: Schema.Types.Mixed, default: {} },
    columns: { type: [String], default: [] },
    headers: { type: String, enum: ['keys', 'labels'], default: 'keys' },
    status: { type: String, required: true, enum: EXPORT_STATUSES, default: 'queued' },
    rowsDone: { type: Number, default: 0 },
    rowsTotal: { type: Number, default: null },
    fileId: { type: String, default: null },
    filename: { type: String, default: null },
    size: { type: Number, default: null },
    error: { type: String, default: null },
    startedAt: { type: Date, default: null },
    finishedAt: { type: Date, default: null },
    expiresAt: { type: Date, default: null },
    // Which run claimed it (see export-jobs.service claim) and where the request came from.
    claim: { type: String, default: null },
    ip: { type: String, default: null },
  },
  { timestamps: true, collection: 'exportJobs', minimize: false },
);

exportJobSchema.index({ user: 1, createdAt: -1, _id: -1 });
exportJobSchema.index({ status: 1, expiresAt: 1 });

export type ExportJob = InferSchemaType<typeof exportJobSchema> & {
  _id: Types.ObjectId;
  createdAt: Date;
  updatedAt: Date;
};
export const ExportJobModel = model('ExportJob', exportJobSchema);
