import { Types } from 'mongoose';
import { NotFoundError } from '../../lib/errors.js';
import { openFile, saveFile } from '../../lib/files.js';
import { runSerially } from '../../lib/serial.js';
import type { Upload } from '../../middleware/uploads.js';
import { recordAudit, type AuditContext } from '../audit/index.js';
import { CaseModel } from './case.model.js';
import { findCaseFor } from './cases.service.js';

export const CASE_ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024;
export const CASE_ATTACHMENT_TYPES = ['pdf', 'png', 'jpeg', 'webp'] as const;

/** Stores a file the complainant or partner sent and lists it on the case; audited. */
export async function attachToCase(
  caseId: Types.ObjectId,
  upload: Upload,
  user: Express.User,
  ctx: AuditContext,
): Promise<void> {
  const stored = await saveFile(upload.buffer, {
    filename: upload.originalName,
    contentType: upload.contentType,
    metadata: { entity: 'case', entityId: caseId.toHexString() },
  });
  const attachment = {
    fileId: new Types.ObjectId(stored.id),
    filename: stored.filename,
    contentType: stored.contentType,
    size: stored.size,
    uploadedAt: stored.uploadedAt,
    by: user._id,
  };
  // Queued with the case's other updates: FerretDB can lose one of two concurrent updates.
  await runSerially(`case:${caseId.toHexString()}`, () =>
    CaseModel.updateOne({ _id: caseId }, { $push: { attachments: attachment } }),
  );
  await recordAudit(ctx, {
    action: 'case.attach',
    entity: 'case',
    entityId: caseId,
    meta: { filename: stored.filename, size: stored.size, contentType: stored.contentType },
  });
}

/** The file of an attachment, for anyone who may read the case (others get 404). */
export async function openCaseAttachment(caseId: string, fileId: string, user: Express.User) {
  const { c } = await findCaseFor(caseId, user);
  const attachment = (c.attachments ?? []).find((a) => a.fileId.toHexString() === fileId);
  if (!attachment) throw new NotFoundError();
  const opened = await openFile(fileId);
  if (!opened) throw new NotFoundError();
  return { attachment, stream: opened.stream };
}
