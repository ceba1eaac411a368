/** The row of provider buttons: icons in the site's order, or, when the site asks, labelled buttons. */
import type { Words } from './i18n.js';
import { h } from './ui.js';

export interface ProviderOffer {
  id: string;
  name: string;
  icon: string;
}

/**
 * One button per provider, in the order given (the site's `providers` order). Each is named "Log in
 * with <brand>" by visually hidden text (not the icon's alt: a missing image must not show it in a
 * 44 px box) and says so in a tooltip. `labelled` (the form's `data-byline-labels`) shows the brand
 * name beside the icon.
 */
export function providerButtons(
  providers: readonly ProviderOffer[],
  labelled: boolean,
  words: Words,
  choose: (id: string, button: HTMLButtonElement) => void,
): HTMLElement {
  const buttons = providers.map((provider) => {
    // The brand name is a value in the sentence, never translated.
    const label = words.t('widget.logInWith', { provider: provider.name });
    // The visible brand name is inside the accessible name, but not read twice.
    const visible =
      labelled && h('span', { class: 'byline-provider-name', 'aria-hidden': 'true' }, provider.name);
    const button = h(
      'button',
      { type: 'button', class: `byline-provider byline-provider-${provider.id}`, title: label },
      // The brand's icon is decoration here: the text says which provider it is.
      h('img', { src: provider.icon, alt: '' }),
      h('span', { class: 'byline-sr' }, label),
      visible,
    );
    button.addEventListener('click', () => choose(provider.id, button));
    return button;
  });
  return h('div', { class: labelled ? 'byline-providers byline-labelled' : 'byline-providers' }, ...buttons);
}

/** `data-byline-labels` on the form asks for labelled buttons; any value but "false" counts. */
export function wantsLabels(form: HTMLFormElement): boolean {
  const value = form.dataset.bylineLabels;
  return value !== undefined && value !== 'false';
}
