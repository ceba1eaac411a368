/**
 * A real SMTP server in this process (smtp-server, by nodemailer's authors) on 127.0.0.1:0: it receives
 * what Byline mails, parses it with mailparser, and hands the tests the mails and the code in them.
 */

import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface TestMailServer {
  /** The smtp:// URL of the server, for the config's smtp.url. */
  url: string;
  /** Every mail received, in order. */
  mails: ParsedMail[];
  /** The next mail received (one already received and not yet taken comes at once); rejects after 10 s. */
  next(): Promise<ParsedMail>;
  close(): Promise<void>;
}

export interface MailServerOptions {
  /** Refuse every recipient for good (550 at RCPT TO), as for an address that does not exist. */
  refuseRecipients?: boolean;
  /** Refuse every mail's content (554 after DATA), as a spam filter would. */
  refuseData?: boolean;
}

function smtpError(message: string, responseCode: number): Error {
  return Object.assign(new Error(message), { responseCode });
}

export async function startMailServer(options: MailServerOptions = {}): Promise<TestMailServer> {
  const mails: ParsedMail[] = [];
  let taken = 0;
  const waiting: ((mail: ParsedMail) => void)[] = [];
  const server = new SMTPServer({
    // Plain SMTP on loopback: no STARTTLS (its certificate would be self-signed), no login.
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    logger: false,
    onRcptTo(_address, _session, callback) {
      callback(options.refuseRecipients ? smtpError('No such user here', 550) : null);
    },
    onData(stream, _session, callback) {
      simpleParser(stream).then(
        (mail) => {
          if (options.refuseData) return callback(smtpError('Message refused', 554));
          mails.push(mail);
          const waiter = waiting.shift();
          if (waiter) {
            taken++;
            waiter(mail);
          }
          callback();
        },
        (error: Error) => callback(error),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    next() {
      const ready = mails[taken];
      if (ready) {
        taken++;
        return Promise.resolve(ready);
      }
      return new Promise((resolve, reject) => {
        // A mail that never comes fails the test that waits for it, instead of hanging the run.
        const timer = setTimeout(() => {
          waiting.splice(waiting.indexOf(done), 1);
          reject(new Error('no mail arrived within 10 s'));
        }, 10_000);
        const done = (mail: ParsedMail) => {
          clearTimeout(timer);
          resolve(mail);
        };
        waiting.push(done);
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** An smtp:// URL where nothing listens (a port that was free a moment ago): a mail server that is down. */
export async function downMailServerUrl(): Promise<string> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return `smtp://127.0.0.1:${port}`;
}

/** The six-digit code in a mail's text part. */
export function codeIn(mail: ParsedMail): string {
  const code = /^\s+(\d{6})\s*$/m.exec(mail.text ?? '')?.[1];
  if (!code) throw new Error('no code in the mail');
  return code;
}

/** The link to Byline's confirmation page in a mail's text part. */
export function linkIn(mail: ParsedMail): string {
  const link = /https?:\/\/\S+\/guest\/verify\?\S*token=\S+/.exec(mail.text ?? '')?.[0];
  if (!link) throw new Error('no link in the mail');
  return link;
}
