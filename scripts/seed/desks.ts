import type { Types } from 'mongoose';
import { trusted } from '../../src/lib/db/index.js';
import {
  DeskModel,
  deskNameKey,
  RoutingRuleModel,
  type AssignmentMode,
  type SlaPolicy,
} from '../../src/modules/desks/index.js';
import { normaliseEmail, UserModel } from '../../src/modules/users/index.js';

const STANDARD_SLA: SlaPolicy = {
  low: { ackHours: 48, resolveHours: 240 },
  normal: { ackHours: 24, resolveHours: 120 },
  high: { ackHours: 8, resolveHours: 72 },
  urgent: { ackHours: 2, resolveHours: 24 },
};

// Singapore answers faster: a smaller desk with a tighter charter.
const FAST_SLA: SlaPolicy = {
  low: { ackHours: 24, resolveHours: 168 },
  normal: { ackHours: 12, resolveHours: 96 },
  high: { ackHours: 4, resolveHours: 48 },
  urgent: { ackHours: 1, resolveHours: 12 },
};

interface DeskSeed {
  name: string;
  timeZone: string;
  isDefault: boolean;
  sla: SlaPolicy;
  lead: string;
  members: string[];
}

const DESKS: DeskSeed[] = [
  {
    name: 'Chongqing desk',
    timeZone: 'Asia/Shanghai',
    isDefault: true,
    sla: STANDARD_SLA,
    lead: 'manager@alliance.example',
    members: ['manager@alliance.example', 'officer@alliance.example', 'coordinator@alliance.example'],
  },
  {
    name: 'Thailand desk',
    timeZone: 'Asia/Bangkok',
    isDefault: false,
    sla: STANDARD_SLA,
    lead: 'coordinator.th@alliance.example',
    members: ['coordinator.th@alliance.example', 'officer.th@alliance.example'],
  },
  {
    name: 'Vietnam desk',
    timeZone: 'Asia/Ho_Chi_Minh',
    isDefault: false,
    sla: STANDARD_SLA,
    lead: 'officer@alliance.example',
    members: ['officer@alliance.example', 'officer.th@alliance.example'],
  },
  {
    name: 'Singapore desk',
    timeZone: 'Asia/Singapore',
    isDefault: false,
    sla: FAST_SLA,
    lead: 'manager@alliance.example',
    members: ['manager@alliance.example', 'officer@alliance.example'],
  },
];

interface RuleSeed {
  name: string;
  desk: string;
  enabled?: boolean;
  incidentCountry?: string[];
  originCountry?: string[];
  category?: string[];
  partnerType?: string[];
  assignment: AssignmentMode;
}

const RULES: RuleSeed[] = [
  {
    name: 'Visa and entry problems → Chongqing',
    desk: 'Chongqing desk',
    category: ['visa_entry'],
    assignment: 'least_open',
  },
  {
    name: 'Southeast Asian visitors in China → Chongqing',
    desk: 'Chongqing desk',
    incidentCountry: ['CN'],
    originCountry: ['TH', 'VN', 'SG', 'MY', 'ID', 'PH', 'LA', 'KH', 'MM'],
    assignment: 'least_open',
  },
  { name: 'Incidents in Thailand', desk: 'Thailand desk', incidentCountry: ['TH'], assignment: 'least_open' },
  { name: 'Incidents in Vietnam', desk: 'Vietnam desk', incidentCountry: ['VN'], assignment: 'least_open' },
  {
    name: 'Laos, Cambodia and Myanmar → Thailand desk',
    desk: 'Thailand desk',
    incidentCountry: ['LA', 'KH', 'MM'],
    assignment: 'none',
  },
  {
    name: 'Singapore and the Malay archipelago',
    desk: 'Singapore desk',
    incidentCountry: ['SG', 'MY', 'ID', 'BN', 'PH'],
    assignment: 'none',
  },
  {
    name: 'Yangtze cruise complaints → Chongqing (paused)',
    desk: 'Chongqing desk',
    partnerType: ['cruise_line'],
    enabled: false,
    assignment: 'least_open',
  },
];

async function userIds(emails: string[]): Promise<Map<string, Types.ObjectId>> {
  const rows = await UserModel.find(
    { email: trusted({ $in: emails.map(normaliseEmail) }) },
    { email: 1 },
  ).lean();
  return new Map(rows.map((u) => [u.email, u._id]));
}

/** The four desks with members and leads, and the routing rules; safe to re-run. */
export async function seedDesks(): Promise<void> {
  const emails = [...new Set(DESKS.flatMap((d) => [d.lead, ...d.members]))];
  const users = await userIds(emails);
  const deskIds = new Map<string, Types.ObjectId>();
  for (const d of DESKS) {
    const nameKey = deskNameKey(d.name);
    let desk = await DeskModel.findOne({ nameKey }, { _id: 1 }).lean();
    if (!desk) {
      // Another desk may have been made default by hand; the seed does not take it back.
      const isDefault = d.isDefault && !(await DeskModel.exists({ isDefault: true }));
      const created = await DeskModel.create({
        name: d.name,
        nameKey,
        timeZone: d.timeZone,
        sla: d.sla,
        isDefault,
        lead: users.get(normaliseEmail(d.lead)) ?? null,
      });
      desk = { _id: created._id };
      const members = d.members.map((e) => users.get(normaliseEmail(e))).filter((id) => id !== undefined);
      if (members.length) {
        await UserModel.updateMany({ _id: trusted({ $in: members }) }, { $addToSet: { desks: created._id } });
      }
    }
    deskIds.set(d.name, desk._id);
  }
  let position =
    (await RoutingRuleModel.findOne({}, { position: 1 }).sort({ position: -1 }).lean())?.position ?? 0;
  for (const r of RULES) {
    if (await RoutingRuleModel.exists({ name: r.name })) continue;
    position += 1;
    await RoutingRuleModel.create({
      name: r.name,
      position,
      enabled: r.enabled ?? true,
      incidentCountry: r.incidentCountry ?? [],
      originCountry: r.originCountry ?? [],
      category: r.category ?? [],
      partnerType: r.partnerType ?? [],
      desk: deskIds.get(r.desk)!,
      assignment: r.assignment,
    });
  }
}
