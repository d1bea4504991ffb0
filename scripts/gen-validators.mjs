// Precompiles the JSON Schemas into validation code (ajv standalone), so a command validates its config
// without compiling the schema at start-up (ajv's compile was 20 % of `labmss status`).
// Run by `npm run build` and `prepare`; `node scripts/gen-validators.mjs --check` fails when a generated
// file is out of date (run by the tests). The options are those the schemas were compiled with at run time.
import { readFileSync } from 'node:fs';
import { writeGenerated } from './generated.mjs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { Ajv2020 } = require('ajv/dist/2020.js');
const standalone = require('ajv/dist/standalone').default;

const targets = [
  ['src/config/config.schema.json', 'src/config/config.validate.ts', { useDefaults: true }],
  ['src/model/labreport.schema.json', 'src/model/labreport.validate.ts', {}],
];
let stale = 0;
for (const [schemaPath, outPath, extra] of targets) {
  const schema = JSON.parse(readFileSync(schemaPath, 'utf8'));
  const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true, ...extra, code: { source: true, esm: true } });
  // ajv's ESM output still require()s its small runtime helpers (string length, deep equality).
  const code = standalone(ajv, ajv.compile(schema));
  const ts = `// @ts-nocheck\n/* Generated from ${schemaPath} by scripts/gen-validators.mjs (ajv standalone): edit the schema, not this file. */\n`
    + `import { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);\n${code.replace(/^"use strict";/, '')}\n`;
  if (writeGenerated(outPath, ts, 'scripts/gen-validators.mjs')) stale++;
}
process.exit(stale ? 1 : 0);
