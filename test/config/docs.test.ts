import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { renderConfigDocs, renderJsonSchema } from '../../src/config/docs.js';
import { packageRoot } from '../../src/config/load.js';

const committed = (path: string) => readFileSync(join(packageRoot, path), 'utf8');

test('config/schema.json is up to date with the schema', () => {
  assert.ok(
    committed('config/schema.json') === renderJsonSchema(),
    'config/schema.json is out of date: run `npm run gen:schema`',
  );
});

test('docs/config.md is up to date with the schema', () => {
  assert.ok(
    committed('docs/config.md') === renderConfigDocs(),
    'docs/config.md is out of date: run `npm run gen:schema`',
  );
});

interface Node {
  description?: string;
  properties?: Record<string, Node>;
  additionalProperties?: Node | boolean;
  anyOf?: Node[];
  oneOf?: Node[];
}

test('every key of the JSON Schema has a description', () => {
  const undescribed: string[] = [];
  const visit = (node: Node, path: string) => {
    for (const [key, child] of Object.entries(node.properties ?? {})) {
      if (!child.description) undescribed.push(`${path}${key}`);
      visit(child, `${path}${key}.`);
    }
    if (typeof node.additionalProperties === 'object') visit(node.additionalProperties, `${path}<id>.`);
    for (const variant of [...(node.anyOf ?? []), ...(node.oneOf ?? [])]) visit(variant, path);
  };
  visit(JSON.parse(renderJsonSchema()), '');
  assert.deepEqual(undescribed, []);
});

test('the JSON Schema names itself and lets built-in provider ids leave out their type', () => {
  const schema = JSON.parse(renderJsonSchema());
  assert.equal(schema.$id, 'urn:byline-gateway:config');
  assert.equal(schema.title, 'Byline configuration');
  const variants: { properties: { type: { const: string } }; required?: string[] }[] =
    schema.properties.providers.additionalProperties.anyOf;
  const requiresType = Object.fromEntries(
    variants.map((variant) => [variant.properties.type.const, variant.required?.includes('type') ?? false]),
  );
  assert.deepEqual(requiresType, {
    oidc: true,
    oauth2: true,
    wordpress: false,
    facebook: false,
    dev: false,
    apple: false,
    atproto: false,
    indieauth: false,
    mastodon: false,
    github: false,
    x: false,
    discord: false,
    google: false,
    microsoft: false,
    gitlab: false,
    linkedin: false,
  });
});
