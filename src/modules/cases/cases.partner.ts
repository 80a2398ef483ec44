import { Types } from 'mongoose';
import { trusted } from '../../lib/db/index.js';
import { can } from '../../lib/permissions.js';
import { recordAudit, type AuditContext } from '../audit/index.js';
import { deskNames } from '../desks/index.js';
import type { Partner, SectionContext } from '../partners/index.js';
import { caseAccess } from './case-access.js';
import { caseSla } from './case-clock.js';
import { runSerially } from '../../lib/serial.js';
import { CaseModel, OPEN_STATUSES, type ComplaintCase } from './case.model.js';
import { LIST_FIELDS, type CaseRow } from './cases.service.js';

const SECTION_LIMIT = 20;

/** The partner page's "open complaint cases" block: the open cases involving it the viewer may read. */
export async function loadPartnerCases(
  partner: Partner,
  ctx: SectionContext,
): Promise<Record<string, unknown> | null> {
  if (!can(ctx.user, 'cases.read')) return null;
  const rows = await CaseModel.find(
    { partners: partner._id, status: trusted({ $in: [...OPEN_STATUSES] }) },
    LIST_FIELDS,
  )
    .sort({ dueAt: 1, _id: 1 })
    .limit(200)
    .lean<CaseRow[]>();
  const readable = rows.filter((r) => caseAccess(ctx.user, r).read);
  const shown = readable.slice(0, SECTION_LIMIT);
  const now = new Date();
  return {
    caseRows: shown.map((r) => ({ ...r, sla: caseSla(r, now) })),
    caseMore: readable.length > shown.length,
    caseDesks: await deskNames(shown.map((r) => r.desk)),
  };
}

/**
 * Merge mover: cases involving the merged-away partner now involve the survivor (once). Each
 * case is rewritten on its own version, in its queue, with a timeline entry.
 */
export async function moveCases(
  from: Types.ObjectId,
  to: Types.ObjectId,
  ctx: AuditContext,
): Promise<number> {
  const affected = await CaseModel.find({ partners: from }, { _id: 1 }).lean();
  let moved = 0;
  for (const { _id } of affected) {
    const ok = await runSerially(`case:${_id.toHexString()}`, async () => {
      for (let attempt = 0; attempt < 3; attempt += 1) {
        const c = await CaseModel.findById(_id, { partners: 1, version: 1 }).lean<
          Pick<ComplaintCase, '_id' | 'partners' | 'version'>
        >();
        if (!c || !c.partners.some((p) => p.equals(from))) return false;
        const partners: Types.ObjectId[] = [];
        for (const p of c.partners.map((x) => (x.equals(from) ? to : x))) {
          if (!partners.some((q) => q.equals(p))) partners.push(p);
        }
        const res = await CaseModel.updateOne(
          { _id: c._id, version: c.version },
          {
            $set: { partners, version: c.version + 1 },
            $push: {
              timeline: {
                at: new Date(),
                by: ctx.actor ? new Types.ObjectId(String(ctx.actor._id)) : null,
                kind: 'partner_linked',
                text: null,
                visibility: null,
                from: from.toHexString(),
                to: to.toHexString(),
                meta: { merged: true },
              },
            },
          },
        );
        if (res.modifiedCount === 1) return true;
      }
      return false;
    });
    if (ok) {
      moved += 1;
      await recordAudit(ctx, {
        action: 'case.partner_merged',
        entity: 'case',
        entityId: _id,
        changes: [{ field: 'partners', before: from.toHexString(), after: to.toHexString() }],
      });
    }
  }
  return moved;
}
