import type { Messages } from '../en.js';

export const notifications: Messages['notifications'] = {
  title: '通知',
  unreadLabel: '条未读',
  new: '新',
  open: '打开',
  markRead: '标为已读',
  markAllRead: '全部标为已读',
  allRead: '所有通知已标为已读。',
  readOn: '{{time}} 已读',
  empty: '还没有通知。跟进提醒会显示在这里。',
  kinds: {
    followUpDue: '与 {{partner}} 的跟进已到期：{{summary}}',
  },
};
