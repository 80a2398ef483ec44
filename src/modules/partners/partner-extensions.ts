import type { Types } from 'mongoose';
import type { AuditContext } from '../audit/index.js';
import type { Partner } from './partner.model.js';

/**
 * Other features attach to partners through these registries, so partners never imports
 * them (contacts, interactions, events, agreements, plaques and cases all point at partners).
 */

export interface SectionContext {
  user: Express.User;
  /** The page's query string (a section may paginate with its own parameter). */
  query: Record<string, unknown>;
}

/** A block on the partner page: its loader returns the locals for its view, or null to hide it. */
export interface PartnerSection {
  key: string;
  order: number;
  view: string;
  load(partner: Partner, ctx: SectionContext): Promise<Record<string, unknown> | null>;
}

/** Moves a feature's references from one partner to another when two are merged. */
export interface PartnerLink {
  name: string;
  move(from: Types.ObjectId, to: Types.ObjectId, ctx: AuditContext): Promise<number>;
}

/** Told after a partner's fields change (features that copy partner facts, e.g. type/country). */
export type PartnerUpdatedListener = (partner: Partner) => Promise<void>;

const sections: PartnerSection[] = [];
const updatedListeners: PartnerUpdatedListener[] = [];
const links: PartnerLink[] = [];

export function registerPartnerSection(section: PartnerSection): void {
  if (sections.some((s) => s.key === section.key)) return;
  sections.push(section);
  sections.sort((a, b) => a.order - b.order);
}

export function registerPartnerLink(link: PartnerLink): void {
  if (links.some((l) => l.name === link.name)) return;
  links.push(link);
}

export function partnerSections(): readonly PartnerSection[] {
  return sections;
}

export function partnerLinks(): readonly PartnerLink[] {
  return links;
}

export function onPartnerUpdated(listener: PartnerUpdatedListener): void {
  if (!updatedListeners.includes(listener)) updatedListeners.push(listener);
}

export async function notifyPartnerUpdated(partner: Partner): Promise<void> {
  for (const listener of updatedListeners) await listener(partner);
}
