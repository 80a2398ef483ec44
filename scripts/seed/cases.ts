import type { Types } from 'mongoose';
import { SYSTEM } from '../../src/modules/audit/index.js';
import {
  acknowledgeCase,
  addNote,
  assignCase,
  CaseModel,
  changeStatus,
  closeCase,
  createCase,
  escalateCases,
  reopenCase,
  resolveCase,
  transferCase,
  type ComplaintCase,
} from '../../src/modules/cases/index.js';
import { DeskModel, deskMemberIds } from '../../src/modules/desks/index.js';
import { PartnerModel } from '../../src/modules/partners/index.js';
import { loadSessionUser, normaliseEmail, UserModel } from '../../src/modules/users/index.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

type Step =
  | 'ack'
  | 'assign'
  | 'start'
  | 'wait'
  | 'resume'
  | 'resolve'
  | 'close'
  | 'reopen'
  | 'note'
  | `transfer:${string}`;

interface Scenario {
  daysAgo: number;
  channel: 'phone' | 'email' | 'wechat' | 'line' | 'walk_in' | 'partner_referral' | 'hotline';
  name: string;
  contact: string;
  nationality: string;
  origin: string;
  incident: string;
  city: string;
  category: ComplaintCase['category'];
  priority: ComplaintCase['priority'];
  partnerCountry: string | null;
  text: string;
  steps: Step[];
}

const S = (s: Scenario) => s;

// Every status appears; older unacknowledged ones end up flagged by the escalation run below.
const SCENARIOS: Scenario[] = [
  S({
    daysAgo: 0.1,
    channel: 'wechat',
    name: '刘洋',
    contact: 'wechat: liuyang_cq',
    nationality: 'CN',
    origin: 'CN',
    incident: 'MY',
    city: 'Kuala Lumpur',
    category: 'forced_shopping',
    priority: 'high',
    partnerCountry: 'TH',
    text: 'The guide kept the group in a jewellery shop for three hours and refused to continue the tour until purchases were made.',
    steps: [],
  }),
  S({
    daysAgo: 3,
    channel: 'hotline',
    name: 'Pham Van Duc',
    contact: '+84 90 123 4567',
    nationality: 'VN',
    origin: 'VN',
    incident: 'KH',
    city: 'Siem Reap',
    category: 'accommodation',
    priority: 'normal',
    partnerCountry: 'CN',
    text: 'Hotel room did not match the booking (no window, smoking floor).',
    steps: [],
  }),
  S({
    daysAgo: 1,
    channel: 'line',
    name: 'Kanya Srisuk',
    contact: 'LINE: kanya.s',
    nationality: 'TH',
    origin: 'TH',
    incident: 'CN',
    city: 'Wulong',
    category: 'pricing',
    priority: 'normal',
    partnerCountry: 'CN',
    text: 'Entrance tickets were charged twice at the scenic area gate.',
    steps: ['ack'],
  }),
  S({
    daysAgo: 2,
    channel: 'email',
    name: 'Tan Wei Ming',
    contact: 'tan.wm@example.sg',
    nationality: 'SG',
    origin: 'SG',
    incident: 'VN',
    city: 'Hoi An',
    category: 'transport',
    priority: 'low',
    partnerCountry: 'VN',
    text: 'Airport transfer never arrived; the family waited two hours.',
    steps: ['ack', 'note'],
  }),
  S({
    daysAgo: 2,
    channel: 'phone',
    name: '王芳',
    contact: '+86 138 0000 1111',
    nationality: 'CN',
    origin: 'CN',
    incident: 'VN',
    city: 'Ha Long',
    category: 'safety',
    priority: 'urgent',
    partnerCountry: 'VN',
    text: 'Life jackets on the bay cruise were missing for half of the passengers.',
    steps: ['assign'],
  }),
  S({
    daysAgo: 4,
    channel: 'partner_referral',
    name: 'Nguyen Thi Mai',
    contact: 'mai.nguyen@example.vn',
    nationality: 'VN',
    origin: 'VN',
    incident: 'CN',
    city: 'Chongqing',
    category: 'tour_quality',
    priority: 'normal',
    partnerCountry: 'CN',
    text: 'Night cruise was cancelled without notice and no refund was offered.',
    steps: ['ack', 'assign'],
  }),
  S({
    daysAgo: 5,
    channel: 'walk_in',
    name: 'Somsak Thongchai',
    contact: '+66 81 234 5678',
    nationality: 'TH',
    origin: 'TH',
    incident: 'TH',
    city: 'Bangkok',
    category: 'lost_property',
    priority: 'normal',
    partnerCountry: 'TH',
    text: 'Passport left on the tour bus; operator is not answering.',
    steps: ['ack', 'assign', 'start', 'note'],
  }),
  S({
    daysAgo: 6,
    channel: 'email',
    name: '陈静',
    contact: 'chenjing@example.cn',
    nationality: 'CN',
    origin: 'CN',
    incident: 'SG',
    city: 'Singapore',
    category: 'pricing',
    priority: 'high',
    partnerCountry: 'SG',
    text: 'Package price rose by 20% after payment.',
    steps: ['ack', 'assign', 'start'],
  }),
  S({
    daysAgo: 8,
    channel: 'phone',
    name: 'Lê Hoàng',
    contact: '+84 91 765 4321',
    nationality: 'VN',
    origin: 'VN',
    incident: 'TH',
    city: 'Pattaya',
    category: 'tour_quality',
    priority: 'normal',
    partnerCountry: 'TH',
    text: 'Two itinerary stops were skipped; the operator blames the weather.',
    steps: ['ack', 'assign', 'start', 'wait'],
  }),
  S({
    daysAgo: 9,
    channel: 'wechat',
    name: '赵磊',
    contact: 'wechat: zhaolei',
    nationality: 'CN',
    origin: 'CN',
    incident: 'VN',
    city: 'Hanoi',
    category: 'visa_entry',
    priority: 'high',
    partnerCountry: 'VN',
    text: 'Group visa letter had a wrong passport number; one traveller was refused boarding.',
    steps: ['ack', 'assign', 'start', 'wait', 'resume', 'wait'],
  }),
  S({
    daysAgo: 14,
    channel: 'hotline',
    name: 'Araya Chaiyo',
    contact: '+66 89 555 0101',
    nationality: 'TH',
    origin: 'TH',
    incident: 'CN',
    city: 'Dazu',
    category: 'transport',
    priority: 'normal',
    partnerCountry: 'CN',
    text: 'Coach broke down for five hours with no replacement.',
    steps: ['ack', 'assign', 'start', 'note', 'resolve'],
  }),
  S({
    daysAgo: 20,
    channel: 'email',
    name: 'Lim Hui Ling',
    contact: 'huiling@example.sg',
    nationality: 'SG',
    origin: 'SG',
    incident: 'TH',
    city: 'Phuket',
    category: 'accommodation',
    priority: 'low',
    partnerCountry: 'TH',
    text: 'Resort charged a cleaning fee not mentioned in the contract.',
    steps: ['ack', 'assign', 'start', 'wait', 'resume', 'resolve'],
  }),
  S({
    daysAgo: 40,
    channel: 'phone',
    name: '孙丽',
    contact: '+86 139 2222 3333',
    nationality: 'CN',
    origin: 'CN',
    incident: 'TH',
    city: 'Bangkok',
    category: 'forced_shopping',
    priority: 'high',
    partnerCountry: 'TH',
    text: 'Shopping stops replaced the Grand Palace visit.',
    steps: ['ack', 'assign', 'start', 'resolve', 'close'],
  }),
  S({
    daysAgo: 60,
    channel: 'line',
    name: 'Preecha Wong',
    contact: 'LINE: preecha.w',
    nationality: 'TH',
    origin: 'TH',
    incident: 'CN',
    city: 'Chongqing',
    category: 'pricing',
    priority: 'normal',
    partnerCountry: 'CN',
    text: 'Hotpot restaurant on the itinerary overcharged the group.',
    steps: ['ack', 'assign', 'start', 'resolve', 'close'],
  }),
  S({
    daysAgo: 25,
    channel: 'email',
    name: 'Đặng Thu Trang',
    contact: 'trang.dang@example.vn',
    nationality: 'VN',
    origin: 'VN',
    incident: 'CN',
    city: 'Chongqing',
    category: 'tour_quality',
    priority: 'normal',
    partnerCountry: 'CN',
    text: 'Guide spoke no Vietnamese although a Vietnamese-speaking guide was booked.',
    steps: ['ack', 'assign', 'start', 'resolve', 'reopen'],
  }),
  S({
    daysAgo: 7,
    channel: 'partner_referral',
    name: 'Chaiwat Boonmee',
    contact: '+66 82 333 4444',
    nationality: 'TH',
    origin: 'TH',
    incident: 'TH',
    city: 'Chiang Rai',
    category: 'tour_quality',
    priority: 'normal',
    partnerCountry: 'CN',
    text: 'Chongqing tour operator sub-contracted the tour to an unlicensed local guide.',
    steps: ['ack', 'assign', 'start', 'transfer:Chongqing desk'],
  }),
];

const NOTES = [
  'Called the operator; they promised a written answer within two days.',
  'Complainant sent photos of the receipts by WeChat.',
];

/** Demo complaint cases in every status, routed by the demo rules (run after the desks seed); safe to re-run. */
export async function seedCases(): Promise<void> {
  if (await CaseModel.exists({ description: /\[demo\]$/ })) return;
  const managerRow = await UserModel.findOne(
    { email: normaliseEmail('manager@alliance.example') },
    { _id: 1 },
  ).lean();
  const logger = await UserModel.findOne(
    { email: normaliseEmail('coordinator@alliance.example') },
    { _id: 1 },
  ).lean();
  if (!managerRow || !logger || !(await DeskModel.exists({ isDefault: true }))) return;
  const manager = (await loadSessionUser(managerRow._id.toHexString()))!;
  const coordinator = (await loadSessionUser(logger._id.toHexString()))!;
  const partners = await PartnerModel.find({ archivedAt: null, mergedInto: null }, { country: 1 }).lean();
  const byCountry = (country: string) => partners.filter((p) => p.country === country).map((p) => p._id);
  const now = Date.now();

  for (const [i, s] of SCENARIOS.entries()) {
    let at = now - s.daysAgo * DAY;
    const pool = s.partnerCountry ? byCountry(s.partnerCountry) : [];
    const chosen: Types.ObjectId[] = pool.length ? [pool[i % pool.length]!] : [];
    let c = await createCase(
      {
        channel: s.channel,
        complainantName: s.name,
        complainantContact: s.contact,
        complainantNationality: s.nationality,
        originCountry: s.origin,
        incidentCountry: s.incident,
        incidentCity: s.city,
        incidentDate: new Date(at - DAY).toISOString().slice(0, 10),
        category: s.category,
        partners: chosen.map(String),
        description: `${s.text}\n[demo]`,
        priority: s.priority,
        pq: '',
        intent: 'save',
      },
      coordinator,
      SYSTEM,
      { timeZone: 'Asia/Shanghai', now: new Date(at) },
    );
    for (const step of s.steps) {
      at += 3 * HOUR;
      const opts = { version: c.version, now: new Date(at) };
      if (step === 'ack') c = await acknowledgeCase(c._id, manager, SYSTEM, opts);
      else if (step === 'assign') {
        if (c.assignee) continue;
        const members = await deskMemberIds(c.desk);
        if (!members.length) continue;
        c = await assignCase(c._id, members[i % members.length]!.toHexString(), manager, SYSTEM, opts);
      } else if (step === 'start') {
        if (c.status !== 'in_progress') c = await changeStatus(c._id, 'in_progress', manager, SYSTEM, opts);
      } else if (step === 'wait') c = await changeStatus(c._id, 'awaiting_partner', manager, SYSTEM, opts);
      else if (step === 'resume') c = await changeStatus(c._id, 'in_progress', manager, SYSTEM, opts);
      else if (step === 'note') {
        c = await addNote(
          c._id,
          { note: NOTES[i % NOTES.length]!, visibility: 'internal', partnerContacted: true },
          manager,
          SYSTEM,
          opts,
        );
      } else if (step === 'resolve') {
        c = await resolveCase(
          c._id,
          {
            resolutionCode: i % 2 ? 'refund' : 'apology',
            resolutionText: 'Operator refunded the difference and apologised in writing.',
          },
          manager,
          SYSTEM,
          opts,
        );
      } else if (step === 'close') c = await closeCase(c._id, manager, SYSTEM, opts);
      else if (step === 'reopen')
        c = await reopenCase(c._id, 'The refund has not arrived after two weeks.', manager, SYSTEM, opts);
      else if (step.startsWith('transfer:')) {
        const desk = await DeskModel.findOne(
          { name: step.slice('transfer:'.length), archivedAt: null },
          { _id: 1 },
        ).lean();
        if (desk && !desk._id.equals(c.desk)) {
          c = await transferCase(
            c._id,
            {
              toDesk: desk._id.toHexString(),
              transferNote: 'The operator is a Chongqing member; the Chongqing desk follows up with them.',
            },
            manager,
            SYSTEM,
            opts,
          );
        }
      }
    }
  }
  // Flags the old unacknowledged ones (and notifies their leads and the managers).
  await escalateCases(new Date());
}
