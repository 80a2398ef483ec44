import type { Types } from 'mongoose';
import {
  AgreementModel,
  quarterOf,
  titleKey,
  type Agreement,
  type Category,
  type Stage,
  type StageChange,
} from '../../src/modules/agreements/index.js';
import type { Partner } from '../../src/modules/partners/index.js';

let seq = 0;

export const day = (text: string): Date => new Date(`${text}T00:00:00.000Z`);

export interface AgreementOverrides {
  title?: string;
  category?: Category;
  partners?: Pick<Partner, '_id' | 'country' | 'type'>[];
  owner?: Types.ObjectId | null;
  value?: { amount: number | null; currency: string | null };
  stage?: Stage;
  stageChangedAt?: Date;
  /** Defaults to one entry per stage on the path to `stage`, one day apart, ending at stageChangedAt. */
  stageHistory?: StageChange[];
  expectedSignAt?: Date | null;
  signedAt?: Date | null;
  effectiveFrom?: Date | null;
  expiresAt?: Date | null;
  event?: Types.ObjectId | null;
  notes?: string | null;
  renewalOf?: Types.ObjectId | null;
  renewedBy?: Types.ObjectId | null;
  remindersSent?: string[];
  createdAt?: Date;
}

const PATH: Stage[] = ['lead', 'negotiation', 'review', 'signed', 'active', 'expired'];

function defaultHistory(stage: Stage, at: Date): StageChange[] {
  const idx = PATH.indexOf(stage);
  const path: Stage[] = idx >= 0 ? PATH.slice(0, idx + 1) : ['lead', stage];
  return path.map((to, i) => ({
    from: i === 0 ? null : path[i - 1]!,
    to,
    at: new Date(at.getTime() - (path.length - 1 - i) * 86_400_000),
    by: null,
    note: null,
  }));
}

export function buildAgreement(overrides: AgreementOverrides = {}) {
  seq += 1;
  const stage = overrides.stage ?? 'lead';
  const stageChangedAt = overrides.stageChangedAt ?? new Date();
  const signedDefault = ['signed', 'active', 'expired', 'terminated'].includes(stage)
    ? day('2026-01-15')
    : null;
  const partners = overrides.partners ?? [];
  const title = overrides.title ?? `Agreement ${seq} ${Math.random().toString(36).slice(2, 7)}`;
  const signedAt = overrides.signedAt !== undefined ? overrides.signedAt : signedDefault;
  const history = overrides.stageHistory ?? defaultHistory(stage, stageChangedAt);
  const activeDefaults = stage === 'active' || stage === 'expired';
  return {
    title,
    titleKey: titleKey(title),
    category: overrides.category ?? 'market_entity_project',
    partners: partners.map((p) => p._id),
    partnerCountries: [...new Set(partners.map((p) => p.country))].sort(),
    partnerTypes: [...new Set(partners.map((p) => p.type))].sort(),
    owner: overrides.owner ?? null,
    value: overrides.value ?? { amount: null, currency: null },
    stage,
    stageVersion: history.length - 1,
    stageChangedAt,
    stageHistory: history,
    expectedSignAt: overrides.expectedSignAt ?? null,
    signedAt,
    signedQuarter: quarterOf(signedAt),
    effectiveFrom:
      overrides.effectiveFrom !== undefined
        ? overrides.effectiveFrom
        : activeDefaults
          ? day('2026-02-01')
          : null,
    expiresAt:
      overrides.expiresAt !== undefined ? overrides.expiresAt : activeDefaults ? day('2027-01-31') : null,
    event: overrides.event ?? null,
    notes: overrides.notes ?? null,
    renewalOf: overrides.renewalOf ?? null,
    renewedBy: overrides.renewedBy ?? null,
    remindersSent: overrides.remindersSent ?? [],
    ...(overrides.createdAt ? { createdAt: overrides.createdAt } : {}),
  };
}

/** Inserts an agreement directly, with its derived keys. */
export async function createAgreement(overrides: AgreementOverrides = {}): Promise<Agreement> {
  const doc = await AgreementModel.create(buildAgreement(overrides));
  return doc.toObject() as Agreement;
}
