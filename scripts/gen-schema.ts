// Writes config/schema.json and docs/config.md from the zod schema (src/config/schema.ts).
// test/config/docs.test.ts fails when the committed files are older than the schema.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderConfigDocs, renderJsonSchema } from '../src/config/docs.js';
import { packageRoot } from '../src/config/load.js';

const outputs = [
  { file: join(packageRoot, 'config', 'schema.json'), render: renderJsonSchema },
  { file: join(packageRoot, 'docs', 'config.md'), render: renderConfigDocs },
];
for (const { file, render } of outputs) {
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, render());
  console.log(`wrote ${file}`);
}
