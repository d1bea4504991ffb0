#!/usr/bin/env node
// `labmss --version` answers without loading the program (pdfkit, SQLite, ajv…): scripts and
// monitoring probe it often, and it must stay close to a bare `node` start.
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  const { createRequire } = await import('node:module');
  process.stdout.write(`${createRequire(import.meta.url)('../package.json').version}\n`);
} else {
  // Each process and each render thread compiles its hot code anew, and most commands are over in seconds:
  // much of what V8's optimizing compiler works on by default is never paid back. Measured on `run` of 200
  // stage-2 reports (bench/run-cpu.ts), side by side, medians:
  // - inlining less (a budget of 200 bytes of bytecode, V8's default 920): 42–44 → 35–38 ms of CPU per report;
  // - optimizing a function only once it has run 15 times longer than by default (interrupt budget
  //   1,000,000, V8's 67,584): 500 functions compiled in 1.8 s → 120 in 0.5 s, 36.0 → 34.3 ms per report.
  //   Small functions then stay unoptimized for thousands of calls: warm, a report costs about 1 ms more
  //   (12.9 → 13.8 ms to render and compose, after 860 reports). The daemon (`watch`), which runs for
  //   weeks, keeps V8's default.
  const { setFlagsFromString } = await import('node:v8');
  setFlagsFromString('--max-inlined-bytecode-size-cumulative=200');
  if (!args.includes('watch')) setFlagsFromString('--interrupt-budget=1000000');
  await import('../dist/cli/main.js');
}
