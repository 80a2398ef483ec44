export { NotificationModel, type Notification } from './notification.model.js';
export {
  listNotifications,
  markAllRead,
  markRead,
  newestUnread,
  notify,
  UNREAD_COUNT_CAP,
  unreadCount,
  type NotificationInput,
} from './notifications.service.js';
export { notificationsRouter, unreadNotifications } from './notifications.routes.js';
