export const api = {
  errors: {
    unauthorized: 'A valid API token is required: send it as "Authorization: Bearer <token>".',
    rateLimited: 'Too many requests with this API token. Wait for the limit to reset and try again.',
    idempotencyKeyInvalid: 'The Idempotency-Key header must be 1 to 255 visible ASCII characters.',
    idempotencyMismatch:
      'This Idempotency-Key was used with a different request: send a new key for a new request.',
    idempotencyInProgress: 'A request with this Idempotency-Key is still running. Retry in a moment.',
    idempotencyInterrupted:
      'A request with this Idempotency-Key was cut off before it finished and its outcome is unknown: check whether it took effect before retrying with a new key.',
  },
  tokens: {
    title: 'API tokens',
    nav: 'API tokens',
    lead: 'Personal tokens let scripts and integrations use the JSON API at {{base}} with your permissions. Send a token as "Authorization: Bearer <token>".',
    name: 'Token name',
    nameHint: 'What the token is for, e.g. "Nightly partner sync".',
    create: 'Create token',
    createdTitle: 'Token “{{name}}” created',
    createdBody:
      'Copy it now: it is shown only once and cannot be recovered. Anyone holding it can act as you through the API.',
    listTitle: 'Your tokens',
    prefix: 'Starts with',
    createdAt: 'Created',
    lastUsed: 'Last used',
    never: 'Never',
    state: 'State',
    active: 'Active',
    revokedState: 'Revoked {{date}}',
    revoke: 'Revoke',
    revokeConfirm: 'Revoke token “{{name}}”? Integrations using it stop working at once.',
    revoked: 'Token “{{name}}” revoked.',
    empty: 'You have no API tokens.',
    tooMany: 'You have too many active tokens; revoke one first.',
  },
};
