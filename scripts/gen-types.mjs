// Generates TypeScript types from the JSON Schemas, so the schemas stay the one source of truth.
// `node scripts/gen-types.mjs --check` fails when a generated file is out of date (run by the tests).
import { readFileSync, writeFileSync } from 'node:fs';
import { compile } from 'json-schema-to-typescript';

const targets = [
  ['src/model/labreport.schema.json', 'src/model/labreport.types.ts'],
  ['src/config/config.schema.json', 'src/config/config.types.ts'],
];
const check = process.argv.includes('--check');
let stale = 0;
for (const [schemaPath, outPath] of targets) {
  let schema;
  try { schema = JSON.parse(readFileSync(schemaPath, 'utf8')); } catch { continue; }
  const ts = await compile(schema, schema.title, {
    bannerComment: `/* Generated from ${schemaPath} by scripts/gen-types.mjs: edit the schema, not this file. */`,
    additionalProperties: false,
    unreachableDefinitions: true,
    cwd: 'src',
    format: true,
    style: { singleQuote: true, printWidth: 110 },
  });
  let current = '';
  try { current = readFileSync(outPath, 'utf8'); } catch {}
  if (current === ts) continue;
  if (check) { console.error(`${outPath} is out of date: run node scripts/gen-types.mjs`); stale++; }
  else writeFileSync(outPath, ts);
}
process.exit(stale ? 1 : 0);
