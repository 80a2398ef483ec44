import type { Request } from 'express';

export type FlashKind = 'success' | 'info' | 'warning' | 'danger';
export interface FlashMessage {
  kind: FlashKind;
  text: string;
}

/** Queues a message for the next page (post-redirect-get); read and cleared by the locals middleware. */
export function flash(req: Request, kind: FlashKind, text: string): void {
  if (!req.session) return;
  const queue = (req.session.flash ??= []);
  queue.push({ kind, text });
}

export function takeFlash(req: Request): FlashMessage[] {
  if (!req.session?.flash?.length) return [];
  const messages = req.session.flash;
  delete req.session.flash;
  return messages;
}
