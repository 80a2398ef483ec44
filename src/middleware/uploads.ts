import { basename } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import multer from 'multer';
import { AppError, ValidationError } from '../lib/errors.js';

/**
 * File uploads. Multipart bodies are parsed here, before the CSRF check, so `_csrf` is an
 * ordinary hidden field in multipart forms and no route can take an upload without it. Only
 * signed-in users' multipart bodies are read; anyone else's is left unparsed and so fails CSRF.
 * Files stay in memory (bounded by MAX_UPLOAD_BYTES) and each route then states what it accepts.
 */
export const MAX_UPLOAD_BYTES = 25 * 1024 * 1024;

export const UPLOAD_TYPES = ['pdf', 'png', 'jpeg', 'webp', 'csv', 'xlsx'] as const;
export type UploadType = (typeof UPLOAD_TYPES)[number];

export const CONTENT_TYPES: Record<UploadType, string> = {
  pdf: 'application/pdf',
  png: 'image/png',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  csv: 'text/csv',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

export interface Upload {
  buffer: Buffer;
  /** The sender's file name without any directory part. */
  originalName: string;
  type: UploadType;
  contentType: string;
  size: number;
}

const parser = multer({
  storage: multer.memoryStorage(),
  // Browsers send file names as UTF-8; busboy's default (Latin-1) would garble "合同.pdf".
  defParamCharset: 'utf8',
  limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 200, fieldSize: 100 * 1024, parts: 201 },
}).any();

export const parseMultipart: RequestHandler = (req, res, next) => {
  if (req.method !== 'POST' || !req.is('multipart/form-data') || !req.user) return next();
  parser(req, res, (err: unknown) => {
    if (!err) return next();
    if (err instanceof multer.MulterError) {
      if (err.code === 'LIMIT_FILE_SIZE') return next(new AppError(413, 'too_large', 'errors.tooLarge'));
      return next(new AppError(400, 'bad_request', 'errors.badRequest'));
    }
    next(err);
  });
};

function startsWith(buf: Buffer, bytes: number[], offset = 0): boolean {
  return bytes.every((b, i) => buf[offset + i] === b);
}

/** What a file is, judged by its first bytes (its name and the browser's word are not trusted). */
export function sniffType(buf: Buffer): UploadType | null {
  if (startsWith(buf, [0x25, 0x50, 0x44, 0x46, 0x2d])) return 'pdf';
  if (startsWith(buf, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(buf, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (buf.toString('latin1', 0, 4) === 'RIFF' && buf.toString('latin1', 8, 12) === 'WEBP') return 'webp';
  if (startsWith(buf, [0x50, 0x4b, 0x03, 0x04])) {
    // An XLSX is a zip whose (uncompressed) entry names include the workbook part.
    return buf.includes('xl/workbook') || buf.includes('[Content_Types].xml') ? 'xlsx' : null;
  }
  // UTF-16 text has NUL bytes but is still text: the importer names its encoding.
  if (startsWith(buf, [0xff, 0xfe]) || startsWith(buf, [0xfe, 0xff])) return 'csv';
  const head = buf.subarray(0, 8192);
  if (head.length > 0 && !head.includes(0)) return 'csv';
  return null;
}

/** An XLSX may unpack to at most this much in total (its parts are zip entries). */
export const MAX_UNPACKED_BYTES = 100 * 1024 * 1024;
const MAX_ZIP_ENTRIES = 10_000;

/**
 * Whether a zip unpacks within `limit` bytes in total. The entries are really inflated (with a
 * bounded output), so a zip bomb whose directory lies about its sizes is caught too. Anything
 * that is not a plain zip (zip64, encryption, broken directory) is refused.
 */
export function zipUnpacksWithin(buf: Buffer, limit = MAX_UNPACKED_BYTES): boolean {
  try {
    let eocd = -1;
    for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 65_535); i--) {
      if (buf.readUInt32LE(i) === 0x06054b50) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) return false;
    const entries = buf.readUInt16LE(eocd + 10);
    let at = buf.readUInt32LE(eocd + 16);
    if (entries > MAX_ZIP_ENTRIES || at === 0xffffffff) return false;
    let total = 0;
    for (let n = 0; n < entries; n++) {
      if (buf.readUInt32LE(at) !== 0x02014b50) return false;
      const flags = buf.readUInt16LE(at + 8);
      const method = buf.readUInt16LE(at + 10);
      const compressed = buf.readUInt32LE(at + 20);
      const local = buf.readUInt32LE(at + 42);
      if (flags & 0x1 || compressed === 0xffffffff || local === 0xffffffff) return false;
      if (buf.readUInt32LE(local) !== 0x04034b50) return false;
      const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
      const data = buf.subarray(start, start + compressed);
      if (method === 0) total += data.length;
      else if (method === 8) total += inflateRawSync(data, { maxOutputLength: limit - total + 1 }).length;
      else return false;
      if (total > limit) return false;
      at += 46 + buf.readUInt16LE(at + 28) + buf.readUInt16LE(at + 30) + buf.readUInt16LE(at + 32);
    }
    return true;
  } catch {
    // Out-of-range reads, corrupt deflate data, or output over the bound.
    return false;
  }
}

/** The sender's name without directories or control characters; a fallback when nothing is left. */
function safeName(original: string, type: UploadType): string {
  // eslint-disable-next-line no-control-regex
  const name = basename(original.replace(/\\/g, '/').replace(/[\u0000-\u001f\u007f]/g, '')).slice(0, 200);
  return name && name !== '.' && name !== '..' ? name : `upload.${type}`;
}

function humanSize(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / 1024 / 1024)} MB` : `${Math.round(bytes / 1024)} kB`;
}

export interface AcceptOptions {
  field: string;
  types: readonly UploadType[];
  maxBytes: number;
  /** An optional file (e.g. an attachment on an edit form): no file is fine. */
  optional?: boolean;
}

/** Puts the checked file on req.upload, or answers a field error the form shows beside the input. */
export function acceptUpload(options: AcceptOptions): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const files = (req.files as Express.Multer.File[] | undefined) ?? [];
    const file = files.find((f) => f.fieldname === options.field && f.size > 0);
    const t = res.locals.t;
    const fail = (key: string, params: Record<string, string>) =>
      next(new ValidationError({ [options.field]: t ? t(key, params) : key }));
    if (!file) {
      if (options.optional) return next();
      return fail('validation.fileRequired', {});
    }
    if (file.size > options.maxBytes)
      return fail('validation.fileTooLarge', { limit: humanSize(options.maxBytes) });
    const type = sniffType(file.buffer);
    if (!type || !options.types.includes(type)) {
      return fail('validation.fileType', { types: options.types.map((x) => x.toUpperCase()).join(', ') });
    }
    // A small XLSX can unpack to gigabytes: check before any importer opens it.
    if (type === 'xlsx' && !zipUnpacksWithin(file.buffer))
      return fail('validation.fileTooLarge', { limit: humanSize(MAX_UNPACKED_BYTES) });
    req.upload = {
      buffer: file.buffer,
      originalName: safeName(file.originalname, type),
      type,
      contentType: CONTENT_TYPES[type],
      size: file.size,
    };
    next();
  };
}

/** Content-Disposition for a download: ASCII fallback plus the UTF-8 name (RFC 6266). */
export function attachmentHeader(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}
