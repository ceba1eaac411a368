/** The first target of each wanted relation, as written (relative URLs are resolved by the caller). */
export type LinkTargets = Map<string, string>;

/**
 * The `Link` header's targets (RFC 8288 §3), first one per relation: `<url>; rel="a b", <url2>; rel=c`.
 * Multiple headers arrive joined by commas. A link with an `anchor` is about another resource and is
 * skipped. Relation names are case-insensitive.
 */
export function linkHeaderTargets(header: string | null, wanted: readonly string[]): LinkTargets {
  const found: LinkTargets = new Map();
  if (!header) return found;
  // <target> then parameters up to the next link: quoted strings may hold commas and semicolons.
  const link = /<([^>]*)>((?:\s*;\s*[^\s=;,]+(?:\s*=\s*(?:"(?:[^"\\]|\\.)*"|[^;,]*))?)*)/g;
  const param = /;\s*([^\s=;,]+)(?:\s*=\s*("(?:[^"\\]|\\.)*"|[^;,]*))?/g;
  for (const match of header.matchAll(link)) {
    const [, target = '', params = ''] = match;
    let rels: string[] = [];
    let anchored = false;
    for (const [, name = '', raw = ''] of params.matchAll(param)) {
      const value = raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw.trim();
      const key = name.toLowerCase();
      // RFC 8288 §3: only the first occurrence of rel counts.
      if (key === 'rel' && rels.length === 0) rels = value.toLowerCase().split(/\s+/).filter(Boolean);
      if (key === 'anchor') anchored = true;
    }
    if (anchored) continue;
    for (const rel of rels) if (wanted.includes(rel) && !found.has(rel)) found.set(rel, target.trim());
  }
  return found;
}

/**
 * The `<link rel href>` targets of an HTML page, first one per relation in document order, as a browser
 * sees the document: not inside comments, scripts, styles or a `<template>` (which is no part of it).
 * htmlparser2 is loaded with the first page read: only IndieAuth logins need it, and it would be a
 * twentieth of every cold start.
 */
export async function htmlLinkTargets(html: string, wanted: readonly string[]): Promise<LinkTargets> {
  const { Parser } = await import('htmlparser2');
  const found: LinkTargets = new Map();
  let inTemplate = 0;
  const parser = new Parser({
    onopentag(name, attributes) {
      if (name === 'template') inTemplate++;
      if (name !== 'link' || inTemplate > 0 || attributes.href === undefined) return;
      for (const rel of (attributes.rel ?? '').toLowerCase().split(/[\t\n\f\r ]+/))
        if (wanted.includes(rel) && !found.has(rel)) found.set(rel, attributes.href.trim());
    },
    onclosetag(name) {
      if (name === 'template' && inTemplate > 0) inTemplate--;
    },
  });
  parser.end(html);
  return found;
}
