import type { Messages } from '../en.js';

export const api: Messages['api'] = {
  errors: {
    unauthorized: '需要有效的 API 令牌：请以 "Authorization: Bearer <令牌>" 方式发送。',
    rateLimited: '此 API 令牌的请求过多。请等待限额重置后再试。',
    idempotencyKeyInvalid: 'Idempotency-Key 请求头须为 1 至 255 个可见 ASCII 字符。',
    idempotencyMismatch: '此 Idempotency-Key 已用于另一个请求：新请求请使用新的键。',
    idempotencyInProgress: '使用此 Idempotency-Key 的请求仍在处理中，请稍后重试。',
    idempotencyInterrupted:
      '使用此 Idempotency-Key 的请求在完成前被中断，结果未知：请先确认是否已生效，再用新的键重试。',
  },
  tokens: {
    title: 'API 令牌',
    nav: 'API 令牌',
    lead: '个人令牌让脚本和集成以您的权限使用 JSON API（{{base}}）。请以 "Authorization: Bearer <令牌>" 方式发送令牌。',
    name: '令牌名称',
    nameHint: '令牌的用途，例如“每晚同步合作伙伴”。',
    create: '创建令牌',
    createdTitle: '令牌“{{name}}”已创建',
    createdBody: '请立即复制：令牌只显示一次，无法找回。持有令牌者可通过 API 以您的身份操作。',
    listTitle: '您的令牌',
    prefix: '开头为',
    createdAt: '创建时间',
    lastUsed: '最近使用',
    never: '从未',
    state: '状态',
    active: '有效',
    revokedState: '已于 {{date}} 撤销',
    revoke: '撤销',
    revokeConfirm: '撤销令牌“{{name}}”？使用它的集成将立即停止工作。',
    revoked: '令牌“{{name}}”已撤销。',
    empty: '您还没有 API 令牌。',
    tooMany: '有效令牌过多，请先撤销一个。',
  },
};
