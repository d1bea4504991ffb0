#!/usr/bin/env node
// `labmss --version` answers without loading the program (pdfkit, SQLite, ajv…): scripts and
// monitoring probe it often, and it must stay close to a bare `node` start.
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  const { createRequire } = await import('node:module');
  process.stdout.write(`${createRequire(import.meta.url)('../package.json').version}\n`);
} else {
  // Each run and each render thread compiles its hot code anew: inlining less into it (V8's default
  // budget is 920 bytes of bytecode) cut `run` of 200 stage-2 reports from 42–44 to 35–38 ms of CPU per
  // report, side by side in the same minutes (bench/run-cpu.ts): the optimizing compiler's threads work a
  // quarter less, and rendering is no slower.
  const { setFlagsFromString } = await import('node:v8');
  setFlagsFromString('--max-inlined-bytecode-size-cumulative=200');
  await import('../dist/cli/main.js');
}
