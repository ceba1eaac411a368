import { absoluteTime, relativeTime } from './relative-time.js';
import type { DemoComment } from './router.js';

const entities: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
const esc = (value: unknown) => String(value ?? '').replace(/[&<>"']/g, (ch) => entities[ch] as string);

/** The blog's language: the page's `lang` and the one its dates are written in. */
const lang = 'en';

const messages = {
  via: (provider: string) => `via ${provider}`,
  guest: '(guest)',
};

/** A page of the demo blog. No inline script or style: the page works under a strict CSP. */
export function shell(title: string, issuer: string, body: string): string {
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<link rel="stylesheet" href="${esc(issuer)}/static/demo.css">
<script src="${esc(issuer)}/widget.js" defer></script>
</head>
<body>
${body}
</body>
</html>`;
}

/**
 * The commenter's picture, or the letter avatar. A picture that cannot be loaded (Gravatar unreachable)
 * shows its `data-initial` through demo.css, without script: the page has none of its own.
 */
function avatar(comment: DemoComment): string {
  const initial = esc((Array.from(comment.name)[0] ?? '?').toUpperCase());
  return comment.picture?.startsWith('https://')
    ? `<img class="avatar" src="${esc(comment.picture)}" alt="" width="48" height="48" loading="lazy" data-initial="${initial}">`
    : `<span class="avatar" aria-hidden="true">${initial}</span>`;
}

/** How each comment was written ("via WordPress.com", "(guest)") and when, relative to `now`. */
export function commentList(
  comments: readonly DemoComment[],
  context: { providerNames: ReadonlyMap<string, string>; now: number },
): string {
  if (comments.length === 0) return '<p class="no-comments">No comments yet. Be the first.</p>';
  const items = comments.map((comment) => {
    const name = comment.website
      ? `<a href="${esc(comment.website)}" rel="nofollow ugc">${esc(comment.name)}</a>`
      : esc(comment.name);
    const via =
      comment.idp === 'guest'
        ? messages.guest
        : messages.via(context.providerNames.get(comment.idp) ?? comment.idp);
    const paragraphs = comment.text
      .split(/\n{2,}/)
      .map((p) => `<p>${esc(p).replace(/\n/g, '<br>')}</p>`)
      .join('');
    return `<li class="comment" id="comment-${comment.id}">${avatar(comment)}<div class="comment-body"><p class="comment-meta"><b class="comment-author">${name}</b> <span class="comment-via">${esc(via)}</span> · <time datetime="${comment.at.toISOString()}" title="${esc(absoluteTime(comment.at, lang))}">${esc(relativeTime(comment.at, context.now, lang))}</time></p>${paragraphs}</div></li>`;
  });
  return `<ol class="comment-list">${items.join('')}</ol>`;
}

/** The blog post, its comments and the site's own comment form, which the widget enhances. */
export function postPage(options: {
  issuer: string;
  site: { id: string; name: string };
  base: string;
  comments: string;
}): string {
  const { issuer, site, base } = options;
  return shell(
    `Selling Collaboration: choose your customers wisely · ${site.name}`,
    issuer,
    `<header class="site-header"><a href="${esc(base)}">${esc(site.name)}</a></header>
<main>
<article class="post">
<h1>Selling Collaboration: choose your customers wisely</h1>
<p class="post-meta">Posted in Business · 5 minute read</p>
<p>Collaboration tools are sold to teams, but they are bought by people who have to change how they work. The first customers you pick decide what your product becomes, so pick the ones whose problems you want to be solving in three years.</p>
<p>Look for teams that already share their work in the open, that have someone whose job gets easier when everyone is on the same page, and that will tell you plainly when something is in their way. Avoid the customer who wants a private fork of your roadmap: you will build their product, not yours.</p>
<p>And once they are in, listen to the comments. That is what the box below is for.</p>
</article>
<section class="comments" id="comments" aria-labelledby="comments-title">
<h2 id="comments-title">Comments</h2>
${options.comments}
</section>
<section class="comment-respond" id="respond">
<form id="commentform" class="comment-form" method="post" action="${esc(base === '/' ? '' : base)}/api/comments" data-byline-site="${esc(site.id)}">
<p class="comment-form-comment"><label for="comment">Comment</label>
<textarea id="comment" name="comment" rows="6" maxlength="5000" required></textarea></p>
<p class="form-submit"><button type="submit" class="submit">Post Comment</button></p>
<noscript><p>Commenting needs JavaScript: the login runs in the <code>widget.js</code> script.</p></noscript>
</form>
</section>
</main>`,
  );
}
