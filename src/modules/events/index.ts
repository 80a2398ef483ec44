import './events.partner.js';

export { EventModel, type CrmEvent } from './event.model.js';
export { registerEventSection, eventSections, type EventSection } from './event-extensions.js';
export { findLiveEvent, liveEventNames, recentEvents } from './events.lookup.js';
export { formatDay, formatDays, today } from './dates.js';
export { createEvent, findEvent, listEvents, updateEvent } from './events.service.js';
export { eventSchema, eventListQuery, type EventInput, type EventListFilter } from './events.schemas.js';
export { eventsRouter } from './events.routes.js';
