import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { parseInput, type ParseResult } from '../inputs/index.js';
import { companionReader } from '../queue/spool.js';
import { EXIT, globals } from './context.js';
import { planFiles, verdictLines, verdictOf, verdictProblem } from './plan-files.js';

/** The parsers alone on a file (what `loinc coverage` counts); `parse` itself shows the gate's whole verdict. */
export function parseFile(path: string, charset: string): ParseResult {
  return parseInput(readFileSync(path), { file: basename(path), hprimCharset: charset, companion: companionReader(dirname(path)) });
}

export function register(program: Command): void {
  program.command('parse')
    .description('show what labmss understands of export files (LabReport JSON) and what it would do with them, warnings included')
    .argument('<files...>')
    .action(async (files: string[], _opts, cmd: Command) => {
      const verdicts = (await planFiles(cmd, files, { configOptional: true })).map(verdictOf);
      if (globals(cmd).json) {
        process.stdout.write(`${JSON.stringify(verdicts, null, 2)}\n`);
      } else {
        for (const v of verdicts) {
          if (v.reports.length) process.stdout.write(`${JSON.stringify(v.reports, null, 2)}\n`);
          for (const line of verdictLines(v)) process.stderr.write(`${line}\n`);
          for (const w of v.warnings) process.stderr.write(`  warning: ${w}\n`);
        }
      }
      if (verdicts.some(verdictProblem)) process.exitCode = EXIT.PROBLEMS;
    });
}
