import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { companionReader } from '../queue/spool.js';
import { InputError, parseInput, type ParseResult } from '../inputs/index.js';
import { formatWarning } from '../dispatcher.js';
import { loadConfig } from '../config/load.js';
import { EXIT, globals, out } from './context.js';

/** The HPRIM default charset from the config when there is one; parse works without a config too. */
function hprimCharset(cmd: Command): string {
  try { return loadConfig(globals(cmd).config).config.intake.hprimCharset; } catch { return 'latin1'; }
}

/** Parses a file the way `run` does (same parsers), reading companion files from its folder. */
export function parseFile(path: string, charset: string): ParseResult {
  return parseInput(readFileSync(path), {
    file: basename(path),
    hprimCharset: charset,
    companion: companionReader(dirname(path)),
  });
}

export function register(program: Command): void {
  program.command('parse')
    .description('show what labmss understands of export files (LabReport JSON), warnings included')
    .argument('<files...>')
    .action((files: string[], _opts, cmd: Command) => {
      const charset = hprimCharset(cmd);
      const results: Array<{ file: string; ok: boolean; format?: string; charset?: string; reports?: unknown[]; warnings?: string[]; error?: string }> = [];
      for (const file of files) {
        try {
          const r = parseFile(file, charset);
          results.push({ file, ok: true, format: r.format, charset: r.charset, reports: r.reports, warnings: r.warnings.map(formatWarning) });
        } catch (err) {
          if (!(err instanceof InputError) && (err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
          results.push({ file, ok: false, error: (err as Error).message });
        }
      }
      const failed = results.some((r) => !r.ok);
      if (globals(cmd).json) {
        out(cmd, files.length === 1 && results[0]!.ok ? results[0] : results, () => []);
      } else {
        for (const r of results) {
          if (!r.ok) { process.stderr.write(`${r.file}: error: ${r.error}\n`); continue; }
          process.stdout.write(`${JSON.stringify(r.reports, null, 2)}\n`);
          process.stderr.write(`${r.file}: ${r.format} (${r.charset}), ${r.reports!.length} report(s), ${r.warnings!.length} warning(s)\n`);
          for (const w of r.warnings!) process.stderr.write(`  warning: ${w}\n`);
        }
      }
      if (failed) process.exitCode = EXIT.PROBLEMS;
    });
}
