import { html, translateHtml } from '../http/views.js';
import type { MessageKey } from '../i18n/catalog.js';
import { direction, type Locale } from '../i18n/locales.js';
import { msg } from '../i18n/message.js';
import { translate } from '../i18n/translate.js';
import type { Mail } from './mailer.js';

export interface GuestCodeMailValues {
  to: string;
  site: string;
  code: string;
  link: string;
  minutes: number;
}

/**
 * The mail with a guest's code, in `locale` (the reader's, as the form that asked for it spoke): a
 * text part and an HTML part saying the same. The HTML is built from escaped parts only and loads
 * nothing remote (no images, no styles from elsewhere).
 */
export function guestCodeMail(locale: Locale, values: GuestCodeMailValues): Mail {
  const vars = { site: values.site, count: values.minutes };
  const say = (key: MessageKey) => translate(locale, msg(key, vars));
  // The HTML part as Byline's pages write messages: right to left, the site's name is a <bdi>.
  const sayHtml = (key: MessageKey) => translateHtml(locale, msg(key, vars));
  // The greeting names nobody: a name would be text the requester typed, mailed to any address.
  const text = [
    say('mail.greeting'),
    '',
    say('mail.intro'),
    '',
    `    ${values.code}`,
    '',
    say('mail.expiry'),
    '',
    say('mail.linkIntro'),
    values.link,
    '',
    say('mail.notYou'),
    '',
    '-- ',
    say('mail.footer'),
    '',
  ].join('\n');
  const body = html`<!doctype html>
<html lang="${locale}" dir="${direction(locale)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${say('mail.subject')}</title></head>
<body style="font-family:system-ui,sans-serif;line-height:1.5;color:#1d2327;max-width:36em;margin:0 auto;padding:1em">
<p>${sayHtml('mail.greeting')}</p>
<p>${sayHtml('mail.intro')}</p>
<p dir="ltr" style="font-size:2em;font-weight:700;letter-spacing:.2em;margin:.5em 0">${values.code}</p>
<p>${sayHtml('mail.expiry')}</p>
<p>${sayHtml('mail.linkIntro')}<br><a href="${values.link}">${sayHtml('mail.linkLabel')}</a></p>
<p style="color:#646970">${sayHtml('mail.notYou')}</p>
<p style="color:#646970;font-size:.9em">${sayHtml('mail.footer')}</p>
</body></html>
`;
  return { to: values.to, subject: say('mail.subject'), text, html: body.html };
}
