/** The widget's markup and default styles. Text goes in with textContent only: never innerHTML. */

type Child = Node | string | false | undefined;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | boolean | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === true) element.setAttribute(name, '');
    else if (typeof value === 'string') element.setAttribute(name, value);
  }
  for (const child of children) if (child) element.append(child);
  return element;
}

/**
 * Theming: every colour and size is a `--byline-*` custom property with a default, so a site sets
 * `--byline-accent` (and friends) on the form or any ancestor; each element also has a `byline-*` class.
 */
const css = `.byline{--a:var(--byline-accent,#2271b1);--b:1px solid var(--byline-border,#c3c4c7);--r:var(--byline-radius,4px);font:var(--byline-font,inherit);color:var(--byline-text,inherit);margin:0 0 1em}
.byline [hidden]{display:none!important}
.byline-title{margin:0 0 .3em;font-size:var(--byline-title-size,1.5em)}
.byline-prompt{margin:0 0 .5em}
.byline-providers{display:flex;flex-wrap:wrap;gap:var(--byline-gap,.5em);margin:0 0 1em}
.byline-provider{display:inline-flex;align-items:center;justify-content:center;box-sizing:border-box;font:inherit;width:var(--byline-icon-size,2.75em);height:var(--byline-icon-size,2.75em);padding:.4em;border:var(--b);border-radius:var(--r);background:var(--byline-surface,#fff);cursor:pointer}
.byline-provider:hover,.byline-provider:focus-visible{border-color:var(--a);outline:2px solid var(--a);outline-offset:1px}
.byline-provider img{width:100%;height:100%}
.byline-labelled .byline-provider{width:auto;gap:.5em;padding-block:.4em;padding-inline:.5em .9em;color:var(--byline-text,#1d2327)}
.byline-labelled .byline-provider img{width:auto;aspect-ratio:1;flex:none}
.byline-field{margin:0 0 .8em}
.byline-field label{display:block;margin:0 0 .25em}
.byline-field input{box-sizing:border-box;width:100%;max-width:32em;padding:.5em .6em;font:inherit;border:var(--b);border-radius:var(--r)}
.byline-note{color:var(--byline-muted,#646970);font-size:.9em}
.byline-field-error,.byline-error{color:var(--byline-error,#d63638);margin:.3em 0 0}
.byline-error:empty{display:none}
.byline input[aria-invalid=true]{border-color:var(--byline-error,#d63638)}
.byline-in,.byline-connecting{display:flex;align-items:center;gap:.75em;margin:0 0 1em}
.byline-in p,.byline-connecting p{margin:0}
.byline-who{min-width:0;overflow-wrap:anywhere}
.byline-name{display:block}
.byline-actions{white-space:nowrap}
.byline-avatar{flex:none;width:var(--byline-avatar-size,48px);height:var(--byline-avatar-size,48px);border-radius:50%;object-fit:cover;background:var(--a);color:#fff;display:grid;place-items:center;font-weight:700}
.byline-link{background:none;border:0;padding:0;margin:0;font:inherit;color:var(--a);text-decoration:underline;cursor:pointer}
.byline-sr{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}`;

/** Thrown when the reader has been told already (a field error, a code only now mailed). */
export class Shown extends Error {}

let styled = false;

/** Adds the default styles once. A constructed sheet is not an inline style, so a strict CSP allows it. */
export function addStyles(): void {
  if (styled) return;
  styled = true;
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  } catch {
    document.head.append(h('style', {}, css));
  }
}
