import { configJsonSchema } from './schema.js';

/** The parts of JSON Schema that zod emits for the config schema. */
interface JsonNode {
  type?: string;
  title?: string;
  description?: string;
  default?: unknown;
  const?: unknown;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  pattern?: string;
  properties?: Record<string, JsonNode>;
  required?: string[];
  additionalProperties?: JsonNode | boolean;
  propertyNames?: JsonNode;
  items?: JsonNode;
  anyOf?: JsonNode[];
  oneOf?: JsonNode[];
}

interface Row {
  path: string;
  type: string;
  default: string;
  description: string;
}

const SCHEMA_ID = 'urn:byline-gateway:config';

/** `config/schema.json`: the JSON Schema of config files, for editors and other tools. */
export function renderJsonSchema(): string {
  const { $schema, ...schema } = configJsonSchema();
  const document = {
    $schema,
    $id: SCHEMA_ID,
    title: 'Byline configuration',
    description:
      'The configuration file of byline-gateway. Generated from src/config/schema.ts by `npm run gen:schema`.',
    ...schema,
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** `docs/config.md`: a reference table per section of the config, generated from the JSON Schema. */
export function renderConfigDocs(): string {
  const root = configJsonSchema() as JsonNode;
  const properties = Object.entries(root.properties ?? {});
  const scalars = properties.filter(([, node]) => !isSection(node));
  const out = [
    INTRO,
    '## Top level',
    '',
    ...table(rows({ ...root, properties: Object.fromEntries(scalars) }, '')),
  ];
  for (const [key, node] of properties.filter(([, node]) => isSection(node))) {
    out.push('', ...section(key, node, root.required?.includes(key) ?? false));
  }
  return `${out.join('\n')}\n`;
}

const INTRO = `# Configuration reference

<!-- Generated from src/config/schema.ts by \`npm run gen:schema\`; do not edit by hand. -->

Byline reads \`config/default.yaml\`, with \`config/local.yaml\` merged over it when that file exists
(mappings merge key by key; lists and single values replace). \`byline --config FILE\` or
\`BYLINE_CONFIG=FILE\` reads FILE instead, and then \`config/local.yaml\` is not merged. The JSON
Schema of the file is \`config/schema.json\`.

- **Environment variables.** \`\${VAR}\` is replaced by the variable's value (start-up fails, naming
  the variable and the key, when it is not set); \`\${VAR:-default}\` falls back to \`default\` when
  the variable is unset or empty; \`$\${\` writes a literal \`\${\`. Inside \`{ }\` or \`[ ]\`, quote such
  values (\`{ token: "\${TOKEN}" }\`). Numeric and true/false keys accept the strings a variable gives.
- **Durations** are a whole number and a unit: \`500ms\`, \`60s\`, \`10m\`, \`2h\`, \`30d\`; a bare number is seconds.
- **Unknown keys are errors**, and every error names its key path, such as \`sites.blog.redirectUris[0]\`.
- A key with no value (\`secret:\`) counts as not set.
- Ids of sites and providers are 1 to 32 characters: a lower-case letter, then lower-case letters,
  digits or \`-\`.
`;

function isSection(node: JsonNode): boolean {
  return node.type === 'object' || variantsOf(node) !== undefined;
}

function variantsOf(node: JsonNode): JsonNode[] | undefined {
  const options = node.oneOf ?? node.anyOf;
  return options?.every((option) => option.type === 'object') ? options : undefined;
}

/** The property every variant fixes to a constant, such as `type` or `kind`. */
function discriminator(variants: JsonNode[]): string | undefined {
  const first = variants[0]?.properties ?? {};
  return Object.keys(first).find((key) =>
    variants.every((variant) => variant.properties?.[key]?.const !== undefined),
  );
}

function section(path: string, node: JsonNode, required: boolean): string[] {
  const out = [`## \`${path}\``, ''];
  if (node.description) out.push(`${node.description}${required ? ' Required.' : ''}`, '');
  const fallback = defaultOf(node.default);
  if (fallback) out.push(`Default: ${fallback}.`, '');
  let target = node;
  let prefix = path;
  if (typeof node.additionalProperties === 'object' && node.propertyNames) {
    prefix = `${path}.<id>`;
    target = node.additionalProperties;
    if (node.propertyNames.pattern) out.push(`Keys (ids) match \`${node.propertyNames.pattern}\`.`, '');
  }
  const variants = variantsOf(target);
  if (!variants) return [...out, ...table(rows(target, prefix))];
  const key = discriminator(variants);
  for (const variant of variants) {
    const tag = key ? `${key}: ${String(variant.properties?.[key]?.const)}` : 'variant';
    out.push(`### \`${prefix}\` with \`${tag}\``, '', ...table(rows(variant, prefix)), '');
  }
  return out.slice(0, -1);
}

function rows(node: JsonNode, prefix: string): Row[] {
  return Object.entries(node.properties ?? {}).flatMap(([key, property]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    const required = (node.required ?? []).includes(key) && property.default === undefined;
    const row: Row = {
      path,
      type: typeOf(property),
      default: required ? '*required*' : defaultOf(property.default),
      description: property.description ?? '',
    };
    return property.type === 'object' && property.properties ? [row, ...rows(property, path)] : [row];
  });
}

function typeOf(node: JsonNode): string {
  if (node.title) return node.title;
  if (node.const !== undefined) return `\`${JSON.stringify(node.const)}\``;
  if (node.enum) return node.enum.map((value) => `\`${String(value)}\``).join(' \\| ');
  if (node.type === 'array') return `list of ${node.items ? typeOf(node.items) : 'any'}`;
  if (node.type === 'integer' || node.type === 'number') {
    if (node.minimum !== undefined && node.maximum !== undefined)
      return `${node.type} ${node.minimum}–${node.maximum}`;
    if (node.minimum !== undefined) return `${node.type} ≥ ${node.minimum}`;
  }
  const options = node.anyOf ?? node.oneOf;
  if (options) {
    const types = [
      ...new Set(options.map((option) => (option.type === 'string' ? 'string' : typeOf(option)))),
    ];
    return types.join(' \\| ');
  }
  return node.type ?? 'any';
}

function defaultOf(value: unknown): string {
  if (value === undefined) return '';
  if (Array.isArray(value)) return `\`[${value.join(', ')}]\``;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    return entries.length
      ? `\`{ ${entries.map(([key, item]) => `${key}: ${String(item)}`).join(', ')} }\``
      : '';
  }
  return `\`${String(value)}\``;
}

function table(items: Row[]): string[] {
  // Descriptions are plain text: `<id>` must not turn into an HTML tag, nor `|` end the cell.
  const cell = (text: string) => text.replaceAll('<', '&lt;').replaceAll('|', '\\|');
  return [
    '| Key | Type | Default | Description |',
    '| --- | --- | --- | --- |',
    ...items.map((row) => `| \`${row.path}\` | ${row.type} | ${row.default} | ${cell(row.description)} |`),
  ];
}
