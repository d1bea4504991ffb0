#!/usr/bin/env node
// `labmss --version` answers without loading the program (pdfkit, SQLite, ajv…): scripts and
// monitoring probe it often, and it must stay close to a bare `node` start.
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  const { createRequire } = await import('node:module');
  process.stdout.write(`${createRequire(import.meta.url)('../package.json').version}\n`);
} else {
  // Each run and each render thread compiles its hot code anew, and a `run` is over in seconds: most of
  // what V8's optimizing compiler works on by default is never paid back. Measured on `run` of 200
  // stage-2 reports (bench/run-cpu.ts), side by side, medians:
  // - inlining less (a budget of 200 bytes of bytecode, V8's default 920): 42–44 → 35–38 ms of CPU per report;
  // - optimizing a function only once it has run 15 times longer than by default (interrupt budget
  //   1,000,000, default 67,584): 500 functions compiled in 1.8 s → 120 in 0.5 s, 36.0 → 34.3 ms per
  //   report. A daemon's hot code is still optimized, a little later.
  const { setFlagsFromString } = await import('node:v8');
  setFlagsFromString('--max-inlined-bytecode-size-cumulative=200');
  setFlagsFromString('--interrupt-budget=1000000');
  await import('../dist/cli/main.js');
}
