// Generates TypeScript types from the JSON Schemas, so the schemas stay the one source of truth.
// `node scripts/gen-types.mjs --check` fails when a generated file is out of date (run by the tests).
import { readFileSync } from 'node:fs';
import { writeGenerated } from './generated.mjs';
import { compile } from 'json-schema-to-typescript';

const targets = [
  ['src/model/labreport.schema.json', 'src/model/labreport.types.ts'],
  ['src/config/config.schema.json', 'src/config/config.types.ts', 'ResolvedConfig'],
];

/** The shape after ajv has filled the defaults: every property with a default is present. */
function withDefaultsRequired(node) {
  if (Array.isArray(node)) return node.map(withDefaultsRequired);
  if (!node || typeof node !== 'object') return node;
  const out = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, withDefaultsRequired(v)]));
  if (out.properties && typeof out.properties === 'object') {
    const filled = Object.entries(out.properties).filter(([, v]) => v && typeof v === 'object' && 'default' in v).map(([k]) => k);
    if (filled.length) out.required = [...new Set([...(out.required ?? []), ...filled])];
  }
  return out;
}
let stale = 0;
const options = (schemaPath) => ({
    bannerComment: `/* Generated from ${schemaPath} by scripts/gen-types.mjs: edit the schema, not this file. */`,
    additionalProperties: false,
    unreachableDefinitions: true,
    cwd: 'src',
    format: true,
    style: { singleQuote: true, printWidth: 110 },
});
for (const [schemaPath, outPath, resolvedTitle] of targets) {
  let schema;
  try { schema = JSON.parse(readFileSync(schemaPath, 'utf8')); } catch { continue; }
  let ts = await compile(schema, schema.title, options(schemaPath));
  if (resolvedTitle) {
    const resolved = { ...withDefaultsRequired(schema), title: resolvedTitle, $defs: undefined };
    const body = await compile({ ...resolved, $defs: withDefaultsRequired(schema.$defs) }, resolvedTitle, { ...options(schemaPath), bannerComment: '', unreachableDefinitions: false });
    ts += '\n' + body.replace(/(?:^\/\*\*(?:(?!\*\/)[\s\S])*\*\/\n)?^export (?:type|interface) (?:Secret|Smtp|Imap)\b[\s\S]*?^}\n/gm, '');
  }
  if (writeGenerated(outPath, ts, 'scripts/gen-types.mjs')) stale++;
}
process.exit(stale ? 1 : 0);
