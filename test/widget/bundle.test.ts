import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { packageRoot } from '../../src/config/load.js';
import { widgetFile } from '../../src/oauth/endpoints/widget.js';

/** The widget as `npm run build` (run before the tests) made it: what Byline serves. */
function builtWidget(): string {
  assert.ok(existsSync(widgetFile), `${widgetFile} is missing: run npm run build first`);
  return readFileSync(widgetFile, 'utf8');
}

test('widget.js stays within 8 KiB gzipped', () => {
  const script = builtWidget();
  const gzipped = gzipSync(script, { level: 9 }).length;
  assert.ok(gzipped <= 8 * 1024, `widget.js is ${gzipped} bytes gzipped`);
});

test('the widget imports nothing outside src/widget (it ships to browsers alone)', () => {
  const dir = join(packageRoot, 'src', 'widget');
  for (const file of readdirSync(dir)) {
    const source = readFileSync(join(dir, file), 'utf8');
    for (const match of source.matchAll(/from '([^']+)'/g))
      assert.match(match[1] as string, /^\.\/[\w-]+\.js$/, `${file} imports ${match[1]}`);
  }
});

test('the built widget is one self-contained script: no import, no require, no source map comment', () => {
  const script = builtWidget();
  assert.doesNotMatch(script, /\bimport\s*[({'"]|\brequire\(|sourceMappingURL/);
  assert.match(script, /^("use strict";)?\(\(\)=>\{/, 'an IIFE');
});

test('the bundle never sends credentials to Byline and never writes HTML from data', () => {
  const script = builtWidget();
  assert.doesNotMatch(script, /credentials:\s*"include"/);
  assert.doesNotMatch(script, /innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
});
