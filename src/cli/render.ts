import type { Command } from 'commander';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { renderDocuments } from '../documents/render.js';
import { documentIdFor, orderKey, setIdFor } from '../documents/ids.js';
import { pdfFileName } from '../mail/compose.js';
import { writeAtomic, sha256 } from '../queue/spool.js';
import { loadMapping } from '../loinc/mapping.js';
import { CliError, config, EXIT, out } from './context.js';
import { parseFile } from './parse.js';
import { withConfiguredLab } from '../dispatcher.js';

export function register(program: Command): void {
  program.command('render')
    .description('render the documents of export files without sending: PDF report, CR-BIO CDA, IHE_XDM.ZIP')
    .argument('<files...>')
    .option('--pdf <dir>', 'write the PDF report(s) into this folder')
    .option('--cda <dir>', 'write the CR-BIO CDA document(s) into this folder')
    .option('--xdm <dir>', 'write the IHE_XDM.ZIP package(s) into this folder')
    .action(async (files: string[], opts: { pdf?: string; cda?: string; xdm?: string }, cmd: Command) => {
      if (!opts.pdf && !opts.cda && !opts.xdm) throw new CliError('say what to render: --pdf DIR, --cda DIR and/or --xdm DIR');
      const cfg = config(cmd);
      const mapping = cfg.loinc.mapping ? loadMapping(readFileSync(cfg.loinc.mapping, 'utf8'), cfg.loinc.mapping) : undefined;
      const written: string[] = [];
      const problems: string[] = [];
      for (const file of files) {
        const parsed = parseFile(file, cfg.intake.hprimCharset);
        for (const [i, parsedReport] of parsed.reports.entries()) {
          const report = withConfiguredLab(parsedReport, cfg.lab);
          const setId = setIdFor(orderKey(report, cfg.lab.finess ?? cfg.lab.name, `${sha256(readFileSync(file))}#${i}`));
          const ids = { setId, version: 1, documentId: documentIdFor(setId, 1) };
          const docs = await renderDocuments(report, ids, { lab: cfg.lab, stage2: Boolean(opts.cda || opts.xdm), mapping });
          const base = pdfFileName(report).replace(/\.pdf$/, '');
          if (docs.stage2Problem) problems.push(`${file}: report ${i + 1} (${base}): no CR-BIO: ${docs.stage2Problem}`);
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
