import type { Commenter } from 'byline-verify';
import { createVerifier, requireCommenter } from 'byline-verify';
import express, { type Request, type Router } from 'express';
import { demoPolicy, issuerRedirect } from './origin.js';
import { commentList, postPage, shell } from './page.js';
import { providerNames } from './provider-names.js';

export interface DemoOptions {
  /** Byline's public URL: where the page loads widget.js from, and the tokens' issuer. */
  issuer: string;
  site: { id: string; name: string };
  /** For the verifier's discovery and JWKS requests. */
  fetch?: typeof fetch;
  /** How many comments are kept (oldest dropped first). Default 200. */
  maxComments?: number;
  /** The clock, in milliseconds (tests move it); default Date.now. */
  now?: () => number;
}

/** One stored comment: the verified commenter's public details and the text. */
export interface DemoComment {
  id: number;
  sub: string;
  idp: string;
  name: string;
  picture?: string;
  website?: string;
  text: string;
  at: Date;
}

/**
 * The demo blog: one post with the comment form a blog would have, plus the example comment backend.
 * It is written as a third-party blog would write it: the page embeds `<script src=".../widget.js">` and
 * marks its own form with `data-byline-site`; the backend trusts nothing but `byline-gateway/verify`.
 * Comments live in memory, bounded.
 */
export function demoRouter(options: DemoOptions): Router {
  const { issuer, site } = options;
  const verifier = createVerifier({
    issuer,
    audience: site.id,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const max = options.maxComments ?? 200;
  const now = options.now ?? Date.now;
  const names = providerNames({
    issuer,
    site: site.id,
    now,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const comments: DemoComment[] = [];
  let nextId = 1;
  const router = express.Router();
  const base = (req: Request) => req.baseUrl || '/';

  // The login popup must keep its `window.opener` to post the answer back: a page that embeds the widget
  // may not send `Cross-Origin-Opener-Policy: same-origin` (it may send same-origin-allow-popups).
  const pageHeaders = {
    'Cache-Control': 'no-store',
    'Cross-Origin-Opener-Policy': 'same-origin-allow-popups',
    'Content-Security-Policy': demoPolicy(issuer),
  };

  // A reader who typed 127.0.0.1 for localhost (or the other way round) is sent to the issuer's name.
  router.use((req, res, next) => {
    const to = req.method === 'GET' || req.method === 'HEAD' ? issuerRedirect(req, issuer) : undefined;
    if (to) res.redirect(302, to);
    else next();
  });

  router.get('/', async (req, res) => {
    const list = commentList(comments, { providerNames: await names(), now: now() });
    res.set(pageHeaders);
    res.type('html').send(postPage({ issuer, site, base: base(req), comments: list }));
  });

  // Where a redirect-mode login comes back: widget.js finishes it here and returns to the post.
  router.get('/callback', (req, res) => {
    res.set({ ...pageHeaders, 'Referrer-Policy': 'no-referrer' });
    res
      .type('html')
      .send(
        shell(
          `${site.name}: logging in`,
          issuer,
          `<main><p role="status">Finishing your login…</p><p><a href="${base(req)}">Back to the post</a></p></main>`,
        ),
      );
  });

  router.post(
    '/api/comments',
    express.urlencoded({ extended: false, limit: '32kb' }),
    express.json({ limit: '32kb' }),
    requireCommenter(verifier),
    (req, res) => {
      const commenter = req.commenter as Commenter;
      const raw: unknown = (req.body as Record<string, unknown>).comment;
      const text = typeof raw === 'string' ? raw.trim() : '';
      if (!text || text.length > 5000) {
        res.status(400).json({
          error: 'invalid_request',
          error_description: text
            ? 'The comment is too long (5000 characters at most).'
            : 'Write a comment first.',
        });
        return;
      }
      const comment: DemoComment = {
        id: nextId++,
        sub: commenter.sub,
        idp: commenter.idp,
        name: commenter.name,
        ...(commenter.picture ? { picture: commenter.picture } : {}),
        ...(commenter.website ? { website: commenter.website } : {}),
        text,
        at: new Date(now()),
      };
      comments.push(comment);
      if (comments.length > max) comments.splice(0, comments.length - max);
      if (req.accepts(['html', 'json']) === 'json') {
        res.status(201).json({ id: comment.id, name: comment.name, idp: comment.idp, text: comment.text });
        return;
      }
      res.redirect(303, `${base(req)}#comment-${comment.id}`);
    },
  );

  return router;
}
