/** The logged-in line: the reader's avatar and name, how they comment, and "( Log Out / Change )". */
import type { Words } from './i18n.js';
import type { Claims } from './oauth.js';
import { h } from './ui.js';

/** The name's first letter on the accent colour: the avatar of a reader without a usable picture. */
function letterAvatar(name: string): HTMLElement {
  const first = Array.from(name)[0] ?? '?';
  return h('span', { class: 'byline-avatar', 'aria-hidden': 'true' }, first.toUpperCase());
}

/**
 * The reader's picture, or the letter avatar when there is none or it cannot be loaded (Gravatar
 * unreachable or blocked by the page's CSP): never the browser's broken-image glyph.
 */
function avatar(claims: Claims): HTMLElement {
  const letter = letterAvatar(claims.name);
  if (!claims.picture?.startsWith('https://')) return letter;
  const picture = h('img', { class: 'byline-avatar', src: claims.picture, alt: '' });
  picture.addEventListener('error', () => picture.replaceWith(letter), { once: true });
  return picture;
}

/** The parts of the logged-in line; `provider` is the brand name of the reader's provider. */
export function signedInLine(
  claims: Claims,
  provider: string,
  words: Words,
  actions: { logout: () => void; change: () => void },
): HTMLElement[] {
  const logout = h(
    'button',
    { type: 'button', class: 'byline-link byline-logout' },
    words.t('widget.logOut'),
  );
  const change = h(
    'button',
    { type: 'button', class: 'byline-link byline-change' },
    words.t('widget.change'),
  );
  logout.addEventListener('click', actions.logout);
  change.addEventListener('click', actions.change);
  const how =
    claims.idp === 'guest' ? words.t('widget.asGuest') : words.t('widget.viaProvider', { provider });
  return [
    avatar(claims),
    h(
      'div',
      { class: 'byline-who' },
      // The reader's name, in any script, keeps its own direction inside the line's.
      h('strong', { class: 'byline-name' }, h('bdi', {}, claims.name)),
      // The parentheses and both links stay on one line: a narrow screen wraps before "(", never
      // leaving ")" alone.
      h(
        'p',
        {},
        `${how} `,
        h('span', { class: 'byline-actions' }, ...words.parts('widget.actions', { logout, change })),
      ),
    ),
  ];
}
