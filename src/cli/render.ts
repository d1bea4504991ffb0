import type { Command } from 'commander';
import { join } from 'node:path';
import { pdfFileName } from '../mail/compose.js';
import { writeAtomic } from '../queue/spool.js';
import { CliError, EXIT, out } from './context.js';
import { planFiles } from './plan-files.js';

export function register(program: Command): void {
  program.command('render')
    .description('render the documents of export files without sending: PDF report, CR-BIO CDA, IHE_XDM.ZIP')
    .argument('<files...>')
    .option('--pdf <dir>', 'write the PDF report(s) into this folder')
    .option('--cda <dir>', 'write the CR-BIO CDA document(s) into this folder')
    .option('--xdm <dir>', 'write the IHE_XDM.ZIP package(s) into this folder')
    .action(async (files: string[], opts: { pdf?: string; cda?: string; xdm?: string }, cmd: Command) => {
      if (!opts.pdf && !opts.cda && !opts.xdm) throw new CliError('say what to render: --pdf DIR, --cda DIR and/or --xdm DIR');
      const written: string[] = [];
      const problems: string[] = [];
      for (const { file, plan, unreadable } of await planFiles(cmd, files, { renderStructured: Boolean(opts.cda || opts.xdm) })) {
        if (!plan || plan.verdict !== 'accept') {
          problems.push(unreadable ?? `${file}: ${plan!.reason}`);
          continue;
        }
        for (const r of plan.reports) {
          const docs = r.documents;
          const base = pdfFileName(r.report).replace(/\.pdf$/, '');
          if (docs.stage2Problem) problems.push(`${file}: report ${r.index + 1} (${base}): no CR-BIO: ${docs.stage2Problem}`);
          const outputs: Array<[string | undefined, string, Buffer | string | undefined]> = [
            [opts.pdf, `${base}.pdf`, docs.pdf], [opts.cda, `${base}.xml`, docs.cda], [opts.xdm, `${base}_IHE_XDM.ZIP`, docs.xdm],
          ];
          for (const [dir, name, data] of outputs) {
            if (!dir || data === undefined) continue;
            await writeAtomic(join(dir, name), data);
            written.push(join(dir, name));
          }
        }
      }
      out(cmd, { written, problems }, () => written);
      for (const p of problems) process.stderr.write(`labmss: ${p}\n`);
      if (problems.length) process.exitCode = EXIT.PROBLEMS;
    });
}
