import type { Types } from 'mongoose';
import { trusted } from '../../src/lib/db/index.js';
import {
  AgreementModel,
  quarterOf,
  titleKey,
  type Category,
  type Stage,
  type StageChange,
} from '../../src/modules/agreements/index.js';
import { EventModel } from '../../src/modules/events/index.js';
import { PartnerModel } from '../../src/modules/partners/index.js';
import { normaliseEmail, UserModel } from '../../src/modules/users/index.js';

const DAY = 86_400_000;
const PATH: Stage[] = ['lead', 'negotiation', 'review', 'signed', 'active', 'expired'];

interface Demo {
  title: string;
  category: Category;
  stage: Stage;
  /** Where the path ends before a terminal side exit (terminated/withdrawn). */
  via?: Stage;
  partnerTypes: string[];
  value?: [number, string];
  /** Days ago the agreement entered its current stage. */
  since: number;
  /** Days between stages on the way there. */
  step: number;
  /** Days from today to the expiry (active/expired ones). */
  expiresIn?: number;
  expectedIn?: number;
  atConference?: boolean;
  note?: string;
}

const DEMOS: Demo[] = [
  {
    title: 'Wulong Karst scenic-area channel 2026',
    category: 'scenic_channel',
    stage: 'lead',
    partnerTypes: ['travel_agency'],
    value: [800_000, 'CNY'],
    since: 6,
    step: 0,
    expectedIn: 75,
  },
  {
    title: 'Bangkok student study-tour package',
    category: 'market_entity_project',
    stage: 'lead',
    partnerTypes: ['university'],
    since: 48,
    step: 0,
    expectedIn: -3,
  },
  {
    title: 'Yangtze cruise allotments for Songkran',
    category: 'cruise_channel',
    stage: 'negotiation',
    partnerTypes: ['cruise_line', 'distributor_international'],
    value: [4_500_000, 'THB'],
    since: 12,
    step: 9,
    atConference: true,
    expectedIn: 40,
  },
  {
    title: 'Hanoi–Chongqing charter series',
    category: 'market_entity_project',
    stage: 'negotiation',
    partnerTypes: ['airline'],
    value: [1_200_000, 'USD'],
    since: 41,
    step: 14,
    expectedIn: 20,
  },
  {
    title: 'Tourism board joint promotion MoU',
    category: 'mou',
    stage: 'review',
    partnerTypes: ['tourism_board'],
    since: 9,
    step: 12,
    atConference: true,
    expectedIn: 10,
  },
  {
    title: 'Singapore distributor image sales points',
    category: 'market_entity_project',
    stage: 'signed',
    partnerTypes: ['distributor_international'],
    value: [250_000, 'SGD'],
    since: 20,
    step: 15,
    atConference: true,
  },
  {
    title: 'Dazu Rock Carvings scenic channel',
    category: 'scenic_channel',
    stage: 'signed',
    partnerTypes: ['scenic_area', 'travel_agency'],
    value: [600_000, 'CNY'],
    since: 5,
    step: 20,
  },
  {
    title: 'Government cultural exchange programme',
    category: 'government_soe_project',
    stage: 'active',
    partnerTypes: ['government'],
    value: [3_000_000, 'CNY'],
    since: 120,
    step: 25,
    expiresIn: 45,
  },
  {
    title: 'Vietnam hotel allotments 2026',
    category: 'market_entity_project',
    stage: 'active',
    partnerTypes: ['hotel'],
    value: [2_500_000_000, 'VND'],
    since: 60,
    step: 20,
    expiresIn: 300,
  },
  {
    title: 'Cruise channel pilot 2025',
    category: 'cruise_channel',
    stage: 'expired',
    partnerTypes: ['cruise_line'],
    value: [90_000, 'USD'],
    since: 14,
    step: 60,
    expiresIn: -15,
  },
  {
    title: 'Media co-marketing agreement',
    category: 'other',
    stage: 'terminated',
    via: 'active',
    partnerTypes: ['media'],
    since: 30,
    step: 30,
    expiresIn: 200,
    note: 'Partner changed ownership; both sides agreed to end early.',
  },
  {
    title: 'Duty-free shopping tour package',
    category: 'market_entity_project',
    stage: 'withdrawn',
    via: 'negotiation',
    partnerTypes: ['travel_agency'],
    since: 22,
    step: 10,
    note: 'Withdrawn: the package conflicts with the forced-shopping rules.',
  },
];

function utcDay(ms: number): Date {
  const d = new Date(ms);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
}

/** A dozen agreements, one or more in every stage, with histories, values and the conference link; safe to re-run. */
export async function seedAgreements(): Promise<void> {
  if (await AgreementModel.exists({ title: DEMOS[0]!.title })) return;
  const users = await UserModel.find(
    {
      email: trusted({
        $in: [
          'coordinator@alliance.example',
          'coordinator.th@alliance.example',
          'manager@alliance.example',
        ].map(normaliseEmail),
      }),
    },
    { _id: 1 },
  ).lean<{ _id: Types.ObjectId }[]>();
  if (!users.length) return;
  const conference = await EventModel.findOne({ archivedAt: null }, { _id: 1 }).sort({ startsAt: 1 }).lean();
  const partners = await PartnerModel.find({ archivedAt: null }, { type: 1, country: 1 }).lean();
  if (!partners.length) return;
  const now = Date.now();
  const today = utcDay(now);

  for (const [i, d] of DEMOS.entries()) {
    const chosen = d.partnerTypes
      .map(
        (type, k) => partners.filter((p) => p.type === type)[i % 2] ?? partners[(i + k) % partners.length]!,
      )
      .filter((p, k, all) => all.findIndex((q) => q._id.equals(p._id)) === k);
    const owner = users[i % users.length]!._id;
    const last: Stage = d.via ?? d.stage;
    const path = PATH.slice(0, PATH.indexOf(last) + 1);
    if (d.via) path.push(d.stage);
    const enteredAt = new Date(now - d.since * DAY);
    const history: StageChange[] = path.map((to, k) => ({
      from: k === 0 ? null : path[k - 1]!,
      to,
      at: new Date(enteredAt.getTime() - (path.length - 1 - k) * d.step * DAY),
      by: owner,
      note: k === path.length - 1 && d.note ? d.note : null,
    }));
    const signedEntry = history.find((h) => h.to === 'signed');
    const signedAt = signedEntry ? utcDay(signedEntry.at.getTime()) : null;
    const activeEntry = history.find((h) => h.to === 'active');
    const effectiveFrom = activeEntry ? utcDay(activeEntry.at.getTime()) : null;
    const expiresAt = d.expiresIn != null ? new Date(today.getTime() + d.expiresIn * DAY) : null;
    const partnerDocs = chosen;
    await AgreementModel.create({
      title: d.title,
      titleKey: titleKey(d.title),
      category: d.category,
      partners: partnerDocs.map((p) => p._id),
      partnerCountries: [...new Set(partnerDocs.map((p) => p.country))].sort(),
      partnerTypes: [...new Set(partnerDocs.map((p) => p.type))].sort(),
      owner,
      value: d.value ? { amount: d.value[0], currency: d.value[1] } : { amount: null, currency: null },
      stage: d.stage,
      stageVersion: history.length - 1,
      stageChangedAt: enteredAt,
      stageHistory: history,
      expectedSignAt: d.expectedIn != null ? new Date(today.getTime() + d.expectedIn * DAY) : null,
      signedAt,
      signedQuarter: quarterOf(signedAt),
      effectiveFrom,
      expiresAt,
      event: d.atConference && conference ? conference._id : null,
      notes: null,
      createdBy: owner,
      createdAt: history[0]!.at,
    });
  }

  // The expired pilot was renewed: its successor is the first lead.
  const pilot = await AgreementModel.findOne({ title: 'Cruise channel pilot 2025' }, { _id: 1 }).lean();
  const renewal = await AgreementModel.findOne(
    { title: 'Yangtze cruise allotments for Songkran' },
    { _id: 1 },
  ).lean();
  if (pilot && renewal) {
    await AgreementModel.updateOne({ _id: pilot._id }, { $set: { renewedBy: renewal._id } });
    await AgreementModel.updateOne({ _id: renewal._id }, { $set: { renewalOf: pilot._id } });
  }
}
