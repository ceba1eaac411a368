import assert from 'node:assert/strict';
import { test } from 'node:test';
import { htmlLinkTargets, linkHeaderTargets } from '../../../src/providers/indieauth/links.js';

const wanted = ['indieauth-metadata', 'authorization_endpoint'];

test('Link header: several links and headers, quoted and bare rel, several rels in one, case, first wins', () => {
  const found = linkHeaderTargets(
    '<https://a.example/style.css>; rel=preload; as=style, ' +
      '<https://a.example/meta>; title="a, b; c"; rel="Micropub INDIEAUTH-Metadata", ' +
      '<https://b.example/meta>; rel="indieauth-metadata", ' +
      '</auth> ; rel = authorization_endpoint',
    wanted,
  );
  assert.deepEqual(
    [...found],
    [
      ['indieauth-metadata', 'https://a.example/meta'],
      ['authorization_endpoint', '/auth'],
    ],
  );
});

test('Link header: a link with an anchor is about another resource; only the first rel counts; nothing', () => {
  assert.deepEqual(
    [
      ...linkHeaderTargets(
        '<https://x.example/m>; rel="indieauth-metadata"; anchor="https://other.example/"',
        wanted,
      ),
    ],
    [],
  );
  assert.deepEqual(
    [...linkHeaderTargets('<https://x.example/m>; rel="next"; rel="indieauth-metadata"', wanted)],
    [],
  );
  assert.equal(linkHeaderTargets(null, wanted).size, 0);
  assert.equal(linkHeaderTargets('garbage; rel=indieauth-metadata', wanted).size, 0);
});

test('HTML: the first <link> in document order, rel lists and case, entities decoded, whitespace trimmed', async () => {
  const found = await htmlLinkTargets(
    `<!doctype html><html><head>
      <LINK REL="stylesheet" href="/s.css">
      <link rel="me Authorization_Endpoint" href=" /auth?a=1&amp;b=2 ">
      <link rel="indieauth-metadata" href="/meta">
      <link rel="indieauth-metadata" href="/second">
    </head><body><link rel="authorization_endpoint" href="/later"></body></html>`,
    wanted,
  );
  assert.deepEqual(
    [...found],
    [
      ['authorization_endpoint', '/auth?a=1&b=2'],
      ['indieauth-metadata', '/meta'],
    ],
  );
});

test('HTML: links inside comments, scripts, styles, textareas and templates are not links; one without href neither', async () => {
  const found = await htmlLinkTargets(
    `<html><head>
      <!-- <link rel="indieauth-metadata" href="/commented"> -->
      <script>document.write('<link rel="indieauth-metadata" href="/scripted">')</script>
      <style>/* <link rel="indieauth-metadata" href="/styled"> */</style>
      <template><link rel="indieauth-metadata" href="/templated"></template>
      <link rel="indieauth-metadata">
    </head><body><textarea><link rel="authorization_endpoint" href="/typed"></textarea>
    <p>&lt;link rel="authorization_endpoint" href="/escaped"&gt;</p>
    <link rel="authorization_endpoint" href="/real"></body></html>`,
    wanted,
  );
  assert.deepEqual([...found], [['authorization_endpoint', '/real']]);
});
