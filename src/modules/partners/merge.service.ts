import { ConflictError, ForbiddenError, ValidationError } from '../../lib/errors.js';
import { can } from '../../lib/permissions.js';
import { diffFields, recordAudit, type AuditContext } from '../audit/index.js';
import { partnerLinks } from './partner-extensions.js';
import { derivePartnerKeys, PartnerModel, type Partner } from './partner.model.js';
import { EDITABLE, findPartner } from './partners.service.js';

export type MergeField = (typeof EDITABLE)[number];
/** For each field: keep the survivor's value, take the other partner's, or (tags) combine both. */
export type MergeChoice = 'keep' | 'take' | 'both';

export interface MergeResult {
  survivor: Partner;
  moved: Record<string, number>;
}

function mergedValue(field: MergeField, choice: MergeChoice, survivor: Partner, loser: Partner): unknown {
  if (field === 'tags' && choice === 'both') {
    const seen = new Set(survivor.tags.map((t) => t.toLowerCase()));
    return [...survivor.tags, ...loser.tags.filter((t) => !seen.has(t.toLowerCase()))];
  }
  return choice === 'take' ? loser[field] : survivor[field];
}

/**
 * Merges `loserId` into `survivorId`: the survivor takes the chosen field values, every
 * registered feature moves its references (contacts, interactions, events, agreements, …),
 * and the loser is archived with a pointer to the survivor. Nothing is deleted. Without
 * transactions each step is idempotent, so running the same merge again completes one that
 * was interrupted.
 */
export async function mergePartners(
  survivorId: string,
  loserId: string,
  choices: Partial<Record<MergeField, MergeChoice>>,
  user: Express.User,
  ctx: AuditContext,
): Promise<MergeResult> {
  if (!can(user, 'partners.merge')) throw new ForbiddenError();
  if (survivorId === loserId) throw new ValidationError({ otherId: 'partners.mergeSelf' });
  const [survivor, loser] = await Promise.all([findPartner(survivorId), findPartner(loserId)]);
  if (survivor.archivedAt) throw new ConflictError('partners.mergeArchived');
  if (loser.mergedInto && !loser.mergedInto.equals(survivor._id))
    throw new ConflictError('partners.mergedAway');

  const values: Record<string, unknown> = {};
  for (const field of EDITABLE) values[field] = mergedValue(field, choices[field] ?? 'keep', survivor, loser);
  await PartnerModel.updateOne(
    { _id: survivor._id },
    {
      $set: {
        ...values,
        ...derivePartnerKeys({
          name: values.name as string,
          nameLocal: values.nameLocal as string | null,
          website: values.website as string | null,
          tags: values.tags as string[],
          // The interactions mover recomputes it from the moved interactions.
          lastInteractionAt: survivor.lastInteractionAt ?? null,
        }),
      },
    },
  );

  const moved: Record<string, number> = {};
  for (const link of partnerLinks()) {
    moved[link.name] = await link.move(loser._id, survivor._id, ctx);
  }

  await PartnerModel.updateOne(
    { _id: loser._id },
    { $set: { archivedAt: loser.archivedAt ?? new Date(), mergedInto: survivor._id } },
  );

  const after = await findPartner(survivorId);
  await recordAudit(ctx, {
    action: 'partner.merge',
    entity: 'partner',
    entityId: survivor._id,
    changes: diffFields(survivor, after, EDITABLE),
    meta: { mergedFrom: loser._id.toHexString(), mergedName: loser.name, moved },
  });
  await recordAudit(ctx, {
    action: 'partner.merged_away',
    entity: 'partner',
    entityId: loser._id,
    changes: [{ field: 'mergedInto', before: null, after: survivor._id.toHexString() }],
    meta: { survivor: survivor._id.toHexString() },
  });
  return { survivor: after, moved };
}
