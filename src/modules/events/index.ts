import './events.partner.js';

export { EventModel, type CrmEvent } from './event.model.js';
export { registerEventSection, eventSections, type EventSection } from './event-extensions.js';
export { findLiveEvent, recentEvents } from './events.lookup.js';
export { formatDay, formatDays } from './dates.js';
export { eventsRouter } from './events.routes.js';
