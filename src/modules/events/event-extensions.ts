import type { CrmEvent } from './event.model.js';

/** A block on the event page ("what did this conference produce"), added by other features. */
export interface EventSection {
  key: string;
  order: number;
  view: string;
  load(
    event: CrmEvent,
    ctx: { user: Express.User; query: Record<string, unknown> },
  ): Promise<Record<string, unknown> | null>;
}

const sections: EventSection[] = [];

export function registerEventSection(section: EventSection): void {
  if (sections.some((s) => s.key === section.key)) return;
  sections.push(section);
  sections.sort((a, b) => a.order - b.order);
}

export function eventSections(): readonly EventSection[] {
  return sections;
}
