import type { Types } from 'mongoose';
import { trusted } from '../../src/lib/db/index.js';
import { ContactModel } from '../../src/modules/contacts/index.js';
import { EventModel } from '../../src/modules/events/index.js';
import {
  INTERACTION_KINDS,
  InteractionModel,
  refreshLastInteraction,
  type InteractionKind,
} from '../../src/modules/interactions/index.js';
import { PartnerModel } from '../../src/modules/partners/index.js';
import { normaliseEmail, UserModel } from '../../src/modules/users/index.js';

const SUMMARIES: Record<InteractionKind, string[]> = {
  meeting: [
    'Met the sales director to review the 2026 scenic-area channel package.\nAgreed to send the draft price list for Wulong and Dazu.',
    'Planning meeting for the Doubling Plan: they target 30% more groups to Chongqing next year.',
  ],
  call: [
    'Call about cruise allotments on the Yangtze for the Songkran holiday.',
    'Follow-up call on the MoU wording.',
  ],
  email: [
    'Sent the bilingual brochure and the conference photos.',
    'Received their comments on the agreement draft.',
  ],
  visit: ['Site visit to Hongyadong and the night cruise with their product team.'],
  event: ['Talked at the Global Partners Conference booth; interested in the Image Sales Point plaque.'],
  message: [
    'WeChat message: confirmed the familiarisation trip dates.',
    'LINE message: asked for student exchange contacts.',
  ],
};

/** A year of interactions with the demo partners, some with open follow-ups; safe to re-run. */
export async function seedInteractions(): Promise<void> {
  if (await InteractionModel.exists({ summary: /\[demo\]$/ })) return;
  const coordinators = await UserModel.find(
    {
      email: trusted({
        $in: ['coordinator@alliance.example', 'coordinator.th@alliance.example'].map(normaliseEmail),
      }),
    },
    { _id: 1 },
  ).lean<{ _id: Types.ObjectId }[]>();
  if (!coordinators.length) return;
  const conference = await EventModel.findOne({}, { _id: 1, startsAt: 1 }).sort({ startsAt: 1 }).lean();
  const partners = await PartnerModel.find({ archivedAt: null }, { type: 1, country: 1, owner: 1 }).lean();
  const now = Date.now();
  const day = 86_400_000;
  let n = 0;
  for (const p of partners) {
    const contacts = await ContactModel.find({ partner: p._id, archivedAt: null }, { _id: 1 }).lean();
    const by = p.owner ?? coordinators[n % coordinators.length]!._id;
    const count = 2 + (n % 4);
    for (let i = 0; i < count; i += 1) {
      n += 1;
      const kind = INTERACTION_KINDS[n % INTERACTION_KINDS.length]!;
      const options = SUMMARIES[kind];
      const occurredAt = new Date(now - ((n * 37) % 360) * day - (n % 9) * 3_600_000);
      // The newest interaction of every third partner leaves a follow-up open (some overdue).
      const followUp = i === count - 1 && n % 3 === 0 ? new Date(now + ((n % 10) - 4) * day) : null;
      await InteractionModel.create({
        partner: p._id,
        partnerType: p.type,
        partnerCountry: p.country,
        contacts: contacts.slice(0, 1 + (n % 2)).map((c) => c._id),
        kind,
        occurredAt,
        summary: `${options[n % options.length]} [demo]`,
        by,
        event: kind === 'event' && conference ? conference._id : null,
        followUpAt: followUp,
        followUpAssignee: followUp ? by : null,
        followUpRemindAt: followUp,
      });
    }
    await refreshLastInteraction(p._id);
  }
}
