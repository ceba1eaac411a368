import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { packageRoot } from '../../src/config/load.js';
import { BUILTIN_PROVIDER_TYPES } from '../../src/config/providers-schema.js';

const dir = join(packageRoot, 'static', 'icons');
const icons = readdirSync(dir).filter((name) => name.endsWith('.svg'));

test('every built-in provider type has its icon (oidc: the OpenID mark), and guests theirs', () => {
  // Every type the config knows, so a new preset without its icon fails here.
  for (const type of [...BUILTIN_PROVIDER_TYPES, 'openid', 'oauth2', 'guest'])
    assert.ok(icons.includes(`${type}.svg`), `static/icons/${type}.svg`);
});

// Icons are served from Byline's origin and shown in <img> on blogs and the chooser: they must be
// self-contained, inert and small (they are cached for a day, and the widget's row loads them all).
test('each icon is one small, square, self-contained SVG: no script, no handler, no external reference', () => {
  for (const name of icons) {
    const text = readFileSync(join(dir, name), 'utf8');
    const root = /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" viewBox="([-\d. ]+)">/.exec(text);
    assert.ok(root, `${name}: starts with <svg xmlns=… viewBox=…>`);
    const [, , width, height] = (root[1] ?? '').split(' ').map(Number);
    assert.ok(width && width > 0 && width === height, `${name}: a square viewBox`);
    assert.ok(text.trimEnd().endsWith('</svg>'), `${name}: ends with </svg>`);
    assert.equal(text.match(/<svg\b/g)?.length, 1, `${name}: one svg element`);
    // The namespace is the only URL; nothing is loaded, run or embedded.
    assert.equal(
      text.replace('http://www.w3.org/2000/svg', '').match(/https?:|\/\//),
      null,
      `${name}: a URL`,
    );
    assert.doesNotMatch(text, /<(script|foreignObject|image|use|a|style)\b/i, `${name}: a forbidden element`);
    assert.doesNotMatch(text, /\s(on\w+|href|xlink:href|style)\s*=/i, `${name}: a forbidden attribute`);
    assert.doesNotMatch(text, /url\(|@import|<!|&/i, `${name}: a reference or an entity`);
    assert.ok(text.length <= 1600, `${name}: ${text.length} bytes`);
  }
});
