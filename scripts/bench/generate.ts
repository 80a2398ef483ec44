// Deterministic benchmark data set (SPEC "Quality bars"): full scale is 100k partners, 300k
// contacts, 1M interactions (skewed counts, names in Latin, Chinese, Thai and Vietnamese
// scripts), and through generate-business.ts 20k agreements, 50k cases and 500 markets × 36
// months of actuals. Inserted with the raw driver in batches.
import { Types } from 'mongoose';
import { ContactModel, CONTACT_LANGUAGES, deriveContactKeys } from '../../src/modules/contacts/index.js';
import { InteractionModel, INTERACTION_KINDS } from '../../src/modules/interactions/index.js';
import { derivePartnerKeys, PartnerModel, PARTNER_TYPES } from '../../src/modules/partners/index.js';
import { UserModel } from '../../src/modules/users/index.js';
import { generateBusiness } from './generate-business.js';
import { insertBatches } from './batches.js';

export const FULL_SCALE = { partners: 100_000, contacts: 300_000, interactions: 1_000_000 } as const;

/** mulberry32: small, fast and the same sequence on every machine for a given seed. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const LATIN_A = [
  'Golden',
  'Mekong',
  'Lotus',
  'Royal',
  'Silk Road',
  'Jade',
  'Emerald',
  'Pearl',
  'Lion City',
  'Orchid',
  'Monsoon',
  'Yangtze',
  'Three Gorges',
  'Bamboo',
  'Saigon',
  'Andaman',
  'Borneo',
  'Angkor',
  'Luang',
  'Chao Phraya',
];
const LATIN_B = [
  'Dragon',
  'River',
  'Sun',
  'Harbour',
  'Bridge',
  'Mountain',
  'Island',
  'Garden',
  'Gate',
  'Star',
  'Valley',
  'Bay',
];
const LATIN_C = [
  'Travel',
  'Tours',
  'Holidays',
  'Airways',
  'Cruises',
  'Hotels',
  'Tourism Board',
  'University',
  'Media',
  'Resorts',
  'Journeys',
  'Trading',
];
const SUFFIX = ['Co., Ltd.', 'Pte. Ltd.', 'Sdn. Bhd.', 'JSC', 'PT', 'PLC', '', '', ''];
const ZH = ['重庆', '长江', '金龙', '丝路', '山城', '三峡', '嘉陵', '朝天门', '渝州', '巴渝'];
const ZH_B = ['国际旅行社', '文化旅游集团', '航空', '邮轮公司', '酒店管理', '传媒', '大学', '景区'];
const TH = ['ทอง', 'มังกร', 'แม่โขง', 'สยาม', 'อันดามัน', 'เจ้าพระยา'];
const TH_B = ['ทัวร์', 'ท่องเที่ยว', 'การบิน', 'โรงแรม'];
const VI = ['Rồng Vàng', 'Sông Hồng', 'Hạ Long', 'Sài Gòn', 'Hội An', 'Đà Nẵng'];
const VI_B = ['Du lịch', 'Lữ hành', 'Hàng không', 'Khách sạn'];
const COUNTRIES: [string, number, string[]][] = [
  ['TH', 22, ['Bangkok', 'Chiang Mai', 'Phuket']],
  ['VN', 18, ['Hanoi', 'Ho Chi Minh City', 'Da Nang']],
  ['CN', 20, ['Chongqing']],
  ['SG', 10, ['Singapore']],
  ['MY', 9, ['Kuala Lumpur', 'Penang']],
  ['ID', 8, ['Jakarta', 'Bali']],
  ['LA', 4, ['Vientiane', 'Luang Prabang']],
  ['KH', 4, ['Phnom Penh', 'Siem Reap']],
  ['PH', 5, ['Manila', 'Cebu']],
];
const FIRST = [
  'Anan',
  'Linh',
  'Wei',
  'Siti',
  'Kiet',
  'Mei',
  'Somchai',
  'Thu',
  'Jun',
  'Ploy',
  'Hafiz',
  'Dewi',
];
const LAST = ['Chen', 'Nguyen', 'Tan', 'Wong', 'Rattanakorn', 'Tran', 'Lim', 'Li', 'Pham', 'Santoso'];

const pick = <T>(rnd: () => number, list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;

function weighted<T>(rnd: () => number, items: [T, number, ...unknown[]][]): [T, number, ...unknown[]] {
  const total = items.reduce((s, i) => s + i[1], 0);
  let r = rnd() * total;
  for (const item of items) {
    r -= item[1];
    if (r <= 0) return item;
  }
  return items[items.length - 1]!;
}

export interface GenerateOptions {
  scale: number;
  seed?: number;
  log?: (message: string) => void;
  /** Owners and interaction authors (at least one user id). */
  users: Types.ObjectId[];
}

export interface GenerateResult {
  counts: Record<string, number>;
  rates: Record<string, number>;
  /** Ids the benchmark requests use: the busiest partner, a typical one. */
  busiestPartner: Types.ObjectId;
  typicalPartner: Types.ObjectId;
}

export async function generate(options: GenerateOptions): Promise<GenerateResult> {
  const log = options.log ?? (() => undefined);
  const rnd = random(options.seed ?? 20251117);
  const n = {
    partners: Math.max(10, Math.round(FULL_SCALE.partners * options.scale)),
    contacts: Math.max(30, Math.round(FULL_SCALE.contacts * options.scale)),
    interactions: Math.max(100, Math.round(FULL_SCALE.interactions * options.scale)),
  };
  const now = Date.UTC(2026, 11, 1);
  const threeYears = 3 * 365 * 86_400_000;
  const partnerIds: Types.ObjectId[] = [];
  const partnerFacts: { type: string; country: string }[] = [];
  const lastInteraction: number[] = [];
  const rates: Record<string, number> = {};

  // Interactions are skewed (r^3): a few partners get thousands, most a handful or none.
  const interactionPartner = (r: number) => Math.min(n.partners - 1, Math.floor(n.partners * r ** 3));
  const interactionTimes: number[] = [];
  const interactionPartners: number[] = [];
  for (let i = 0; i < n.interactions; i++) {
    const p = interactionPartner(rnd());
    const at = now - Math.floor(rnd() * threeYears);
    interactionPartners.push(p);
    interactionTimes.push(at);
    if (!(lastInteraction[p]! >= at)) lastInteraction[p] = at;
  }

  rates.partners = await insertBatches(
    'partners',
    n.partners,
    (i) => {
      const _id = new Types.ObjectId();
      partnerIds.push(_id);
      const [country, , cities] = weighted(rnd, COUNTRIES) as [string, number, string[]];
      const type = pick(rnd, PARTNER_TYPES);
      partnerFacts.push({ type, country });
      const name =
        `${pick(rnd, LATIN_A)} ${pick(rnd, LATIN_B)} ${pick(rnd, LATIN_C)} ${i} ${pick(rnd, SUFFIX)}`.trim();
      const script = rnd();
      const nameLocal =
        country === 'CN' || script < 0.2
          ? `${pick(rnd, ZH)}${pick(rnd, ZH_B)}${i}`
          : country === 'TH' && script < 0.6
            ? `บริษัท ${pick(rnd, TH)}${pick(rnd, TH_B)} ${i} จำกัด`
            : country === 'VN' && script < 0.6
              ? `Công ty ${pick(rnd, VI_B)} ${pick(rnd, VI)} ${i}`
              : null;
      const website = `https://www.partner${i}.example`;
      const tags = rnd() < 0.3 ? [pick(rnd, ['conference-2025', 'cruise', 'students', 'mice', 'vip'])] : [];
      const last = lastInteraction[i] ? new Date(lastInteraction[i]!) : null;
      const createdAt = new Date(now - Math.floor(rnd() * threeYears));
      return {
        _id,
        name,
        nameLocal,
        type,
        country,
        city: pick(rnd, cities),
        website,
        email: `info@partner${i}.example`,
        phone: `+${60 + (i % 30)} ${100000 + i}`,
        allianceStatus: pick(rnd, ['prospect', 'intent', 'member', 'member', 'suspended', 'former']),
        tags,
        owner: rnd() < 0.9 ? pick(rnd, options.users) : null,
        lastInteractionAt: last,
        archivedAt: rnd() < 0.03 ? createdAt : null,
        mergedInto: null,
        createdBy: null,
        ...derivePartnerKeys({ name, nameLocal, website, tags, lastInteractionAt: last }),
        createdAt,
        updatedAt: createdAt,
      };
    },
    (docs) => PartnerModel.collection.insertMany(docs, { ordered: false }),
    log,
  );

  const contactIdsByPartner = new Map<number, Types.ObjectId[]>();
  rates.contacts = await insertBatches(
    'contacts',
    n.contacts,
    (i) => {
      const p = Math.floor(rnd() * n.partners);
      const _id = new Types.ObjectId();
      const list = contactIdsByPartner.get(p) ?? [];
      list.push(_id);
      contactIdsByPartner.set(p, list);
      const name = `${pick(rnd, FIRST)} ${pick(rnd, LAST)} ${i}`;
      const email = `contact${i}@partner${p}.example`;
      const title = pick(rnd, ['Director', 'Sales Manager', 'Marketing Lead', 'Dean', 'Consul']);
      return {
        _id,
        partner: partnerIds[p],
        name,
        nameLocal: null,
        title,
        email,
        phone: null,
        wechat: rnd() < 0.4 ? `wx_${i}` : null,
        line: rnd() < 0.2 ? `line_${i}` : null,
        whatsapp: null,
        languages: [pick(rnd, CONTACT_LANGUAGES), 'en'],
        primary: list.length === 1,
        archivedAt: null,
        createdBy: null,
        partnerCountry: partnerFacts[p]!.country,
        ...deriveContactKeys({ name, email, title }),
        createdAt: new Date(now),
        updatedAt: new Date(now),
      };
    },
    (docs) => ContactModel.collection.insertMany(docs, { ordered: false }),
    log,
  );

  rates.interactions = await insertBatches(
    'interactions',
    n.interactions,
    (i) => {
      const p = interactionPartners[i]!;
      const at = new Date(interactionTimes[i]!);
      return {
        partner: partnerIds[p],
        partnerType: partnerFacts[p]!.type,
        partnerCountry: partnerFacts[p]!.country,
        contacts: (contactIdsByPartner.get(p) ?? []).slice(0, 1),
        kind: pick(rnd, INTERACTION_KINDS),
        occurredAt: at,
        summary: `Discussed ${pick(rnd, ['the 2026 cruise channel', 'student exchanges', 'charter flights', 'a joint roadshow', 'plaque renewal'])} (#${i}).`,
        by: pick(rnd, options.users),
        event: null,
        followUpAt: null,
        followUpAssignee: null,
        followUpDone: false,
        followUpDoneAt: null,
        followUpDoneBy: null,
        followUpRemindAt: null,
        followUpNotifiedFor: null,
        deletedAt: null,
        deletedBy: null,
        createdAt: at,
        updatedAt: at,
      };
    },
    (docs) => InteractionModel.collection.insertMany(docs, { ordered: false }),
    log,
  );

  const business = await generateBusiness({
    scale: options.scale,
    rnd,
    now,
    users: options.users,
    partners: partnerIds.map((_id, i) => ({ _id, ...partnerFacts[i]! })),
    log,
  });
  Object.assign(rates, business.rates);

  return {
    counts: { ...n, ...business.counts },
    rates,
    busiestPartner: partnerIds[0]!,
    typicalPartner: partnerIds[Math.floor(n.partners / 2)]!,
  };
}

export async function benchUsers(count = 5): Promise<Types.ObjectId[]> {
  const users = await UserModel.find({}, { _id: 1 }).limit(count).lean();
  return users.map((u) => u._id);
}
