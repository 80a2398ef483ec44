import type { Types } from 'mongoose';
import { SYSTEM } from '../../src/modules/audit/index.js';
import { EventModel } from '../../src/modules/events/index.js';
import { PartnerModel } from '../../src/modules/partners/index.js';
import {
  awardPlaque,
  ELIGIBLE_TYPE,
  PLAQUE_KINDS,
  PlaqueModel,
  revokePlaque,
  type PlaqueKind,
} from '../../src/modules/plaques/index.js';
import { UserModel } from '../../src/modules/users/index.js';

const CONFERENCE = 'Chongqing Cultural Tourism Group Global Partners Conference';

/**
 * Plaques of every kind at the 2025 conference (active), one older plaque per kind whose
 * validity ended (expired), and one revoked. Runs once: partners that hold plaques are skipped.
 */
export async function seedPlaques(): Promise<void> {
  if (await PlaqueModel.exists({})) return;
  const conference = await EventModel.findOne({ name: CONFERENCE }, { _id: 1 }).lean<{
    _id: Types.ObjectId;
  }>();
  const manager = await UserModel.findOne({ email: 'manager@alliance.example' }).lean();
  const actor = manager ? { _id: manager._id, email: manager.email } : null;
  const ctx = actor ? { actor, ip: null } : SYSTEM;
  for (const kind of PLAQUE_KINDS as readonly PlaqueKind[]) {
    const partners = await PartnerModel.find({ type: ELIGIBLE_TYPE[kind], archivedAt: null }, { _id: 1 })
      .sort({ sortName: 1 })
      .lean<{ _id: Types.ObjectId }[]>();
    for (const [i, p] of partners.entries()) {
      const partner = p._id.toHexString();
      // Every eligible demo partner received its plaque at the conference.
      const current = await awardPlaque(
        {
          kind,
          partner,
          event: conference ? conference._id.toHexString() : null,
          awardedAt: '2025-11-17',
          validUntil: '2028-11-16',
          notes: null,
        },
        manager ? { _id: manager._id } : null,
        ctx,
      );
      if (i === 0) {
        // An earlier plaque that has run out.
        await awardPlaque(
          { kind, partner, event: null, awardedAt: '2021-06-01', validUntil: '2024-05-31', notes: null },
          manager ? { _id: manager._id } : null,
          ctx,
        );
      }
      if (i === 1 && kind === 'student_practice_base' && manager) {
        await revokePlaque(
          current._id.toHexString(),
          'The practice-base programme was discontinued by the university.',
          { ...manager, _id: manager._id, desks: [] } as unknown as Express.User,
          ctx,
        );
      }
    }
  }
}
