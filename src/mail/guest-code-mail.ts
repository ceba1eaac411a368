import { html } from '../http/views.js';
import type { Mail } from './mailer.js';

/**
 * The words of the mail that carries a guest's code, with `{site}`, `{minutes}` and `{name}` where the
 * values go. One object per language: the locale catalogs will hold these (issue 17 item 2).
 */
export interface GuestCodeMailWords {
  subject: string;
  greeting: string;
  greetingWithoutName: string;
  intro: string;
  expiry: string;
  linkIntro: string;
  linkLabel: string;
  notYou: string;
  footer: string;
}

export const englishGuestCodeMail: GuestCodeMailWords = {
  subject: 'Your code for commenting on {site}',
  greeting: 'Hello {name},',
  greetingWithoutName: 'Hello,',
  intro: 'Type this code into the comment form on {site} to confirm your email address:',
  expiry: 'The code works once, for {minutes} minutes.',
  linkIntro: 'Or open this page and press its button, in the browser where you are writing your comment:',
  linkLabel: 'Confirm my email address',
  notYou: 'If you did not ask for this code, ignore this mail: nobody can use your address without the code.',
  footer: 'Sent by Byline, the login service of {site}. Your address is never shown to other readers.',
};

export interface GuestCodeMailValues {
  to: string;
  site: string;
  name?: string;
  code: string;
  link: string;
  minutes: number;
}

function fill(text: string, values: Record<string, string>): string {
  return text.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole);
}

/**
 * The mail with a guest's code: a text part and an HTML part saying the same, in `words`. The HTML is
 * built from escaped parts only and loads nothing remote (no images, no styles from elsewhere).
 */
export function guestCodeMail(words: GuestCodeMailWords, values: GuestCodeMailValues): Mail {
  const vars = { site: values.site, minutes: String(values.minutes), name: values.name ?? '' };
  const say = (text: string) => fill(text, vars);
  const greeting = values.name ? say(words.greeting) : say(words.greetingWithoutName);
  const text = [
    greeting,
    '',
    say(words.intro),
    '',
    `    ${values.code}`,
    '',
    say(words.expiry),
    '',
    say(words.linkIntro),
    values.link,
    '',
    say(words.notYou),
    '',
    '-- ',
    say(words.footer),
    '',
  ].join('\n');
  const body = html`<!doctype html>
<html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${say(words.subject)}</title></head>
<body style="font-family:system-ui,sans-serif;line-height:1.5;color:#1d2327;max-width:36em;margin:0 auto;padding:1em">
<p>${greeting}</p>
<p>${say(words.intro)}</p>
<p style="font-size:2em;font-weight:700;letter-spacing:.2em;margin:.5em 0">${values.code}</p>
<p>${say(words.expiry)}</p>
<p>${say(words.linkIntro)}<br><a href="${values.link}">${say(words.linkLabel)}</a></p>
<p style="color:#646970">${say(words.notYou)}</p>
<p style="color:#646970;font-size:.9em">${say(words.footer)}</p>
</body></html>
`;
  return { to: values.to, subject: say(words.subject), text, html: body.html };
}
