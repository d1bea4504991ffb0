import type { Command } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ConfigError, loadConfig, resolveConfig, type ResolvedConfig } from '../config/load.js';
import { GateSetup } from '../gate/context.js';
import { prepare } from '../gate/prepare.js';
import { outcomeOf, type FilePlan, type PlanOutcome } from '../gate/plan.js';
import { formatWarning } from '../inputs/types.js';
import { transportKind } from '../mail/transports.js';
import { Journal, JOURNAL_FILE } from '../queue/journal.js';
import { globals } from './context.js';

/** One file as the gate sees it, for `parse`, `render` and `send --dry-run`: a plan, or why the file could not be read. */
export interface PlannedFile { file: string; plan?: FilePlan; unreadable?: string }

/**
 * Runs the gate on files given by hand, exactly as `run` would on the same bytes, reading the journal
 * (directory, allow-list, versions, earlier files) when there is one and writing nothing.
 * `parse` works without a config too: then nothing is routed.
 */
export async function planFiles(cmd: Command, files: string[], opts: { force?: boolean; to?: string[]; renderStructured?: boolean; configOptional?: boolean } = {}): Promise<PlannedFile[]> {
  const cfg = configFor(cmd, Boolean(opts.configOptional));
  const journal = cfg.configured && existsSync(join(cfg.config.paths.state, JOURNAL_FILE)) ? Journal.open(cfg.config.paths.state, { readonly: true }) : undefined;
  try {
    const gate = new GateSetup(cfg.config, transportKind(cfg.config).needsAllowlist);
    const out: PlannedFile[] = [];
    for (const file of files) {
      let bytes: Buffer;
      try { bytes = readFileSync(file); } catch (err) {
        out.push({ file, unreadable: `${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}` });
        continue;
      }
      const ctx = gate.forFile(journal, { name: basename(file), companionDir: dirname(file), force: opts.force, to: opts.to, renderStructured: opts.renderStructured });
      if (!cfg.configured) ctx.routing = undefined;
      out.push({ file, plan: await prepare(bytes, ctx) });
    }
    return out;
  } finally {
    journal?.close();
  }
}

function configFor(cmd: Command, optional: boolean): { config: ResolvedConfig; configured: boolean } {
  try {
    return { config: loadConfig(globals(cmd).config).config, configured: true };
  } catch (err) {
    if (!optional || !(err instanceof ConfigError) || globals(cmd).config) throw err;
    // No config: the parsers' defaults, a placeholder lab, nobody to route to.
    return { config: resolveConfig({ lab: { name: '(no config)', mailbox: 'lab@labmss.invalid' }, paths: { export: '.', state: '.' } }, join(process.cwd(), 'labmss.json')), configured: false };
  }
}

/** The one JSON shape of `parse --json` and `send --dry-run --json`: an array, one entry per file, always. */
export interface FileVerdict extends PlanOutcome {
  file: string;
  format?: string;
  charset?: string;
  reports: unknown[];
  warnings: string[];
  holds: Array<{ report: number; code: string; reason: string }>;
}

export function verdictOf(p: PlannedFile): FileVerdict {
  if (!p.plan) return { file: p.file, verdict: 'quarantined', reason: p.unreadable, deliveries: [], reports: [], warnings: [], holds: [] };
  const plan = p.plan;
  const accepted = plan.verdict === 'accept' ? plan : undefined;
  return {
    file: p.file,
    ...outcomeOf(plan),
    ...(accepted ? { format: accepted.format, charset: accepted.charset } : plan.verdict === 'quarantine' && plan.format ? { format: plan.format } : {}),
    reports: accepted?.reports.map((r) => r.report) ?? [],
    warnings: accepted?.warnings.map(formatWarning) ?? [],
    holds: accepted?.reports.flatMap((r) => r.holds.map((h) => ({ report: r.index, code: h.code, reason: h.reason }))) ?? [],
  };
}

/** What a verdict means for the exit code: 1 when anything was quarantined, held or skipped, as for `run`. */
export function verdictProblem(v: FileVerdict): boolean {
  return v.verdict === 'quarantined' || v.verdict === 'duplicate' || v.deliveries.some((d) => d.held);
}

/** A verdict in a few lines for people. */
export function verdictLines(v: FileVerdict): string[] {
  const head = `${v.file}: ${v.format ? `${v.format}, ` : ''}`;
  if (v.verdict === 'quarantined') return [`${head}would be quarantined: ${v.reason}`];
  if (v.verdict === 'duplicate') return [`${head}not sent: ${v.reason}`];
  const lines = [`${head}${v.reports.length} report(s)${v.warnings.length ? `, ${v.warnings.length} warning(s)` : ''}`];
  for (const d of v.deliveries) {
    lines.push(d.held ? `  would hold ${d.address || d.label}${d.address && d.label ? ` (${d.label})` : ''} (${d.role}): ${d.held}` : `  would send to ${d.address} (${d.role})`);
  }
  if (v.verdict === 'printed') lines.push('  no MSSanté recipient: the PDF would go to the print folder');
  for (const h of v.holds) lines.push(`  report ${h.report + 1} held: ${h.reason}`);
  return lines;
}
