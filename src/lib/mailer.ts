import nodemailer from 'nodemailer';
import { config } from '../config/index.js';
import { logger } from './logger.js';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

/** What we need of a nodemailer transport (tests pass a fake one). */
export interface MailTransport {
  sendMail(message: MailMessage & { from: string }): Promise<unknown>;
}

let transport: MailTransport | null | undefined;
let fromAddress = config.smtp?.from ?? '';

function current(): MailTransport | null {
  if (transport === undefined) {
    // Short timeouts: a mail server that hangs must not hold a reminder run for minutes
    // (nodemailer waits up to 2 minutes to connect and 10 for a silent socket by default).
    transport = config.smtp
      ? nodemailer.createTransport({
          url: config.smtp.url,
          connectionTimeout: 10_000,
          greetingTimeout: 10_000,
          socketTimeout: 30_000,
        })
      : null;
  }
  return transport;
}

/** Whether e-mail can be sent (SMTP_URL is configured, or a test transport is set). */
export function mailEnabled(): boolean {
  return current() !== null;
}

/** Replaces the transport (tests); undefined goes back to the configured SMTP server. */
export function setMailTransport(next: MailTransport | null | undefined, from = 'crm@localhost'): void {
  transport = next;
  fromAddress = next ? from : (config.smtp?.from ?? '');
}

/**
 * Sends one plain-text e-mail. Failures are logged and reported, never thrown: a mail server
 * outage must not stop the work that wanted to send (the in-app notification still stands).
 */
export async function sendMail(message: MailMessage): Promise<'sent' | 'disabled' | 'failed'> {
  const t = current();
  if (!t) return 'disabled';
  try {
    await t.sendMail({ from: fromAddress, ...message });
    return 'sent';
  } catch (err) {
    logger.warn({ err, subject: message.subject }, 'sending e-mail failed');
    return 'failed';
  }
}
