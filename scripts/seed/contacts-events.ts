import type { Types } from 'mongoose';
import { trusted } from '../../src/lib/db/index.js';
import { ContactModel, deriveContactKeys, type ContactLanguage } from '../../src/modules/contacts/index.js';
import { EventModel } from '../../src/modules/events/index.js';
import { PartnerModel, searchTokens, tagKey } from '../../src/modules/partners/index.js';

type Person = [name: string, nameLocal: string | null, title: string, languages: ContactLanguage[]];

// Two people per country; the first becomes the partner's primary contact.
const PEOPLE: Record<string, Person[]> = {
  CN: [
    ['Liu Yang', '刘洋', 'Director of International Markets', ['zh', 'en']],
    ['Zhou Xin', '周欣', 'Partnership Manager', ['zh']],
  ],
  TH: [
    ['Somsak Wongsawat', 'สมศักดิ์ วงศ์สวัสดิ์', 'Director of Sales', ['th', 'en']],
    ['Ploy Chaiyaporn', 'พลอย ชัยพร', 'Marketing Manager', ['th', 'en', 'zh']],
  ],
  VN: [
    ['Nguyen Van Minh', 'Nguyễn Văn Minh', 'Deputy Director', ['vi', 'en']],
    ['Tran Thi Hoa', 'Trần Thị Hoa', 'Partnership Officer', ['vi', 'zh']],
  ],
  SG: [
    ['Tan Wei Ming', '陈伟明', 'Head of Partnerships', ['en', 'zh', 'ms']],
    ['Priya Nair', null, 'Business Development Manager', ['en']],
  ],
  MY: [
    ['Ahmad Faizal', null, 'Regional Manager', ['ms', 'en']],
    ['Lim Mei Ling', '林美玲', 'Sales Manager', ['ms', 'en', 'zh']],
  ],
  ID: [
    ['Budi Santoso', null, 'Director', ['id', 'en']],
    ['Siti Rahmawati', null, 'Partnership Executive', ['id']],
  ],
  KH: [['Sok Dara', 'សុខ តារា', 'Director of Tourism Promotion', ['km', 'en']]],
  LA: [['Souksavanh Keola', 'ສຸກສະຫວັນ', 'Deputy Director General', ['lo', 'en']]],
  PH: [['Maria Santos', null, 'Event Director', ['tl', 'en']]],
};

function contactFor(person: Person, country: string, index: number, partnerName: string) {
  const [name, nameLocal, title, languages] = person;
  const domain = partnerName.toLowerCase().replace(/[^a-z0-9]+/g, '') || 'partner';
  const handle = name.toLowerCase().replace(/[^a-z]+/g, '.');
  const fields = {
    name,
    nameLocal,
    title,
    email: `${handle}@${domain.slice(0, 24)}.example`,
    phone: null,
    wechat: country === 'CN' || languages.includes('zh') ? `${handle.replace(/\./g, '_')}_wx` : null,
    line: country === 'TH' ? handle : null,
    whatsapp: country === 'CN' ? null : `+00 ${100 + index} 555 0${100 + index}`,
    languages,
  };
  return { ...fields, ...deriveContactKeys(fields) };
}

/** Contacts for the demo partners that have none yet (re-running adds nothing). */
async function seedContacts(): Promise<void> {
  const partners = await PartnerModel.find({ archivedAt: null }, { name: 1, country: 1 })
    .sort({ sortName: 1 })
    .lean<{ _id: Types.ObjectId; name: string; country: string }[]>();
  let index = 0;
  for (const partner of partners) {
    if (await ContactModel.exists({ partner: partner._id })) continue;
    const people = PEOPLE[partner.country] ?? PEOPLE.SG!;
    const count = index % 3 === 2 ? 1 : people.length;
    for (let i = 0; i < count; i += 1) {
      await ContactModel.create({
        ...contactFor(people[i]!, partner.country, index, partner.name),
        partner: partner._id,
        partnerCountry: partner.country,
        primary: i === 0,
      });
    }
    index += 1;
  }
}

const day = (text: string) => new Date(`${text}T00:00:00.000Z`);

/** The launch conference and a few other exchange meetings, matched by name. */
async function seedEvents(): Promise<void> {
  const conference = await PartnerModel.find(
    { archivedAt: null, tagKeys: tagKey('2025 conference') },
    { _id: 1 },
  ).lean<{ _id: Types.ObjectId }[]>();
  const partnerIds = conference.map((p) => p._id);
  const contacts = partnerIds.length
    ? await ContactModel.find(
        { partner: trusted({ $in: partnerIds }), archivedAt: null, primary: true },
        { _id: 1 },
      )
        .limit(12)
        .lean<{ _id: Types.ObjectId }[]>()
    : [];
  const thai = await PartnerModel.find({ archivedAt: null, country: 'TH' }, { _id: 1 })
    .limit(4)
    .lean<{ _id: Types.ObjectId }[]>();
  const events = [
    {
      name: 'Chongqing Cultural Tourism Group Global Partners Conference',
      nameLocal: '重庆文旅集团全球合作伙伴大会',
      startsAt: '2025-11-17',
      endsAt: '2025-11-18',
      city: 'Chongqing',
      country: 'CN',
      description:
        'Launch of the Chongqing–Southeast Asia Cultural Tourism Market Alliance.\n' +
        'Signed: 2026 scenic-area channel, 2026 cruise channel, government & SOE projects.\n' +
        'Tourist Exchange Doubling Plan and complaint-handling linkage announced.',
      partners: partnerIds,
      contacts: contacts.map((c) => c._id),
    },
    {
      name: 'Thailand Roadshow: Chongqing Mountain City',
      nameLocal: '重庆山城泰国推介会',
      startsAt: '2026-03-12',
      endsAt: null,
      city: 'Bangkok',
      country: 'TH',
      description: null,
      partners: thai.map((p) => p._id),
      contacts: [],
    },
    {
      name: 'Alliance Annual Exchange Meeting 2026',
      nameLocal: '联盟 2026 年度交流会',
      startsAt: '2026-11-16',
      endsAt: '2026-11-17',
      city: 'Hanoi',
      country: 'VN',
      description: null,
      partners: [],
      contacts: [],
    },
  ];
  for (const e of events) {
    if (await EventModel.exists({ name: e.name })) continue;
    const startsAt = day(e.startsAt);
    const endsAt = e.endsAt ? day(e.endsAt) : null;
    await EventModel.create({
      ...e,
      startsAt,
      endsAt,
      lastDay: endsAt ?? startsAt,
      searchTokens: searchTokens([e.name, e.nameLocal, e.city]),
    });
  }
}

export async function seedContactsAndEvents(): Promise<void> {
  await seedContacts();
  await seedEvents();
}
