import type { Readable, Writable } from 'node:stream';
import { GridFSBucket, ObjectId } from 'mongodb';
import { mongoose } from './db/index.js';

/**
 * Files kept in the database (GridFS), so every app instance serves them and backups hold
 * them: attachments, uploaded imports, finished exports. GridFS works on FerretDB 1.24 (tested).
 */
export interface StoredFile {
  id: string;
  filename: string;
  contentType: string;
  size: number;
  uploadedAt: Date;
  metadata: Record<string, unknown>;
}

export interface FileMeta {
  filename: string;
  contentType: string;
  metadata?: Record<string, unknown>;
}

const BUCKET = 'files';

function bucket(): GridFSBucket {
  const db = mongoose.connection.db;
  if (!db) throw new Error('files: the database is not connected');
  return new GridFSBucket(db, { bucketName: BUCKET });
}

function toObjectId(id: string): ObjectId | null {
  return /^[0-9a-f]{24}$/i.test(id) ? new ObjectId(id) : null;
}

interface GridFile {
  _id: ObjectId;
  filename: string;
  length: number;
  uploadDate: Date;
  metadata?: Record<string, unknown> & { contentType?: string };
}

function describe(doc: GridFile): StoredFile {
  const { contentType, ...metadata } = doc.metadata ?? {};
  return {
    id: doc._id.toHexString(),
    filename: doc.filename,
    contentType: typeof contentType === 'string' ? contentType : 'application/octet-stream',
    size: doc.length,
    uploadedAt: doc.uploadDate,
    metadata,
  };
}

/** A writable stream into a new file; `done` resolves once the last chunk is stored. */
export function createFileWriter(meta: FileMeta): { id: string; stream: Writable; done: Promise<void> } {
  const upload = bucket().openUploadStream(meta.filename, {
    metadata: { ...meta.metadata, contentType: meta.contentType },
  });
  const done = new Promise<void>((resolve, reject) => {
    upload.once('finish', () => resolve());
    upload.once('error', reject);
  });
  return { id: upload.id.toHexString(), stream: upload, done };
}

export async function saveFile(buffer: Buffer, meta: FileMeta): Promise<StoredFile> {
  const writer = createFileWriter(meta);
  writer.stream.end(buffer);
  await writer.done;
  const file = await findFile(writer.id);
  if (!file) throw new Error('files: stored file not found after upload');
  return file;
}

export async function findFile(id: string): Promise<StoredFile | null> {
  const _id = toObjectId(id);
  if (!_id) return null;
  const doc = await bucket().find({ _id }).next();
  return doc ? describe(doc as unknown as GridFile) : null;
}

export async function openFile(id: string): Promise<{ file: StoredFile; stream: Readable } | null> {
  const file = await findFile(id);
  if (!file) return null;
  return { file, stream: bucket().openDownloadStream(new ObjectId(file.id)) };
}

export async function readFile(id: string): Promise<Buffer | null> {
  const opened = await openFile(id);
  if (!opened) return null;
  const chunks: Buffer[] = [];
  for await (const chunk of opened.stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Removes a file and its chunks; a missing file is not an error (cleanup jobs may re-run). */
export async function deleteFile(id: string): Promise<void> {
  const _id = toObjectId(id);
  if (!_id) return;
  try {
    await bucket().delete(_id);
  } catch (err) {
    if (!/not found/i.test((err as Error).message)) throw err;
  }
}
