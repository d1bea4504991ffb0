#!/usr/bin/env node
// `labmss --version` answers without loading the program (pdfkit, SQLite, ajv…): scripts and
// monitoring probe it often, and it must stay close to a bare `node` start.
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  const { createRequire } = await import('node:module');
  process.stdout.write(`${createRequire(import.meta.url)('../package.json').version}\n`);
} else {
  await import('../dist/cli/main.js');
}
