export { EventModel, type CrmEvent } from './event.model.js';
export { registerEventSection, eventSections, type EventSection } from './event-extensions.js';
export { findLiveEvent, recentEvents } from './events.lookup.js';
