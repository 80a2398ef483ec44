export const notifications = {
  title: 'Notifications',
  unreadLabel: 'unread',
  new: 'New',
  open: 'Open',
  markRead: 'Mark read',
  markAllRead: 'Mark all as read',
  allRead: 'All notifications are marked as read.',
  readOn: 'read {{time}}',
  empty: 'No notifications yet. Reminders of your follow-ups will appear here.',
  kinds: {
    followUpDue: 'Follow-up due with {{partner}}: {{summary}}',
  },
} as const;
