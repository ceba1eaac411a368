import type { Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import type { Config } from '../config/schema.js';
import { isLoopbackUrl } from '../loopback.js';

/** One mail: a plain-text part and an HTML part of the same words. */
export interface Mail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface Mailer {
  /** Hands the mail to the server once (never retried here); rejects with a MailError. */
  send(mail: Mail): Promise<void>;
}

/**
 * Why a mail did not go out. `unreachable`: no answer from the mail server (down, timed out, TLS
 * failed, STARTTLS not offered where it is required); `recipient`: the server refused the address for good (a 5xx answer to RCPT TO);
 * `refused`: the server refused the mail otherwise (login, sender, content, a temporary refusal).
 * The message says only that: a server's answer can quote the recipient's address, so it stays out of
 * errors that are logged.
 */
export class MailError extends Error {
  override name = 'MailError';
  constructor(
    readonly kind: 'unreachable' | 'refused' | 'recipient',
    /** nodemailer's error code and the SMTP answer's code: safe to log, unlike its message. */
    readonly detail: { code?: string; responseCode?: number; command?: string },
  ) {
    super(`the mail was not sent (${kind}${detail.code ? `, ${detail.code}` : ''})`);
  }
}

interface NodemailerError {
  code?: unknown;
  responseCode?: unknown;
  command?: unknown;
}

const unreachableCodes = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ETLS']);

function mailError(error: unknown): MailError {
  const { code, responseCode, command } = (error ?? {}) as NodemailerError;
  const detail = {
    ...(typeof code === 'string' ? { code } : {}),
    ...(typeof responseCode === 'number' ? { responseCode } : {}),
    ...(typeof command === 'string' ? { command } : {}),
  };
  if (typeof responseCode === 'number' && responseCode >= 500 && command === 'RCPT TO')
    return new MailError('recipient', detail);
  if (detail.code !== undefined && unreachableCodes.has(detail.code))
    return new MailError('unreachable', detail);
  return new MailError('refused', detail);
}

/**
 * nodemailer's options for `smtp`: `smtp.timeout` on every step, nothing fetched while composing (no
 * file or URL attachments can be smuggled into a mail), and for smtp:// STARTTLS required (see
 * `smtp.requireTls`): the server offers it in the clear, so anyone on the path could strip the offer
 * and read the codes. A server on this machine is exempt unless the config says otherwise.
 */
export function smtpTransportOptions(smtp: NonNullable<Config['smtp']>): SMTPTransport.Options {
  const starttls = new URL(smtp.url).protocol === 'smtp:';
  return {
    url: smtp.url,
    connectionTimeout: smtp.timeout,
    greetingTimeout: smtp.timeout,
    socketTimeout: smtp.timeout,
    disableFileAccess: true,
    disableUrlAccess: true,
    requireTLS: starttls && (smtp.requireTls ?? !isLoopbackUrl(smtp.url)),
  };
}

/** nodemailer's transport for `smtp`, loaded with the first mail: it is a tenth of a cold start. */
async function openTransport(smtp: NonNullable<Config['smtp']>): Promise<Transporter> {
  const [{ createTransport }, { default: SMTPTransport }] = await Promise.all([
    import('nodemailer'),
    import('nodemailer/lib/smtp-transport/index.js'),
  ]);
  // The transport built here rather than by createTransport(url), which keeps only what the URL says.
  return createTransport(new SMTPTransport(smtpTransportOptions(smtp)), { from: smtp.from });
}

/**
 * A Mailer over SMTP with nodemailer: one connection per mail (codes are few; a pool would hold a
 * connection open for nothing), with `smtpTransportOptions`.
 */
export function smtpMailer(smtp: NonNullable<Config['smtp']>): Mailer {
  let transport: Promise<Transporter> | undefined;
  return {
    async send(mail) {
      try {
        transport ??= openTransport(smtp).catch((error: unknown) => {
          // Tried again with the next mail, rather than every later mail failing the same way.
          transport = undefined;
          throw error;
        });
        await (await transport).sendMail({
          ...mail,
          // RFC 3834: replies and out-of-office answers should not come back to an automatic sender.
          headers: { 'Auto-Submitted': 'auto-generated' },
        });
      } catch (error) {
        throw mailError(error);
      }
    },
  };
}
