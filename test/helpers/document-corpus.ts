import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { loadConfig, type ResolvedConfig } from '../../src/config/load.js';
import { documentIdFor, orderKey, setIdFor } from '../../src/documents/ids.js';
import type { DocumentIds } from '../../src/documents/render.js';
import { withConfiguredLab } from '../../src/gate/prepare.js';
import { InputError, parseInput } from '../../src/inputs/index.js';
import { loadMapping, type LoincMapping } from '../../src/loinc/mapping.js';
import type { LabReport } from '../../src/model/labreport.types.js';
import { companionReader, sha256 } from '../../src/queue/spool.js';
import { fixtures, repoRoot } from './paths.js';

/** One report of the project's own inputs, with the ids and options `run` would render it with. */
export interface CorpusReport {
  /** `<folder>/<file>#<index>`, relative to the repository. */
  name: string;
  report: LabReport;
  ids: DocumentIds;
}

const INPUT_DIRS = [join(repoRoot, 'examples', 'export'), fixtures('hl7'), fixtures('hprim'), fixtures('sweep'), fixtures('cda'), fixtures('pdf')];

/** The example lab, its LOINC mapping from the fixtures: the options every corpus report is rendered with (stage 2). */
export function corpusOptions(): { lab: ResolvedConfig['lab']; stage2: true; mapping: LoincMapping } {
  const lab = loadConfig(join(repoRoot, 'examples', 'labmss.json')).config.lab;
  const file = fixtures('loinc', 'lab-mapping.csv');
  return { lab, stage2: true, mapping: loadMapping(readFileSync(file, 'utf8'), file) };
}

/** Every report the example export and the input fixtures give (files the parsers reject are left out). */
export function corpusReports(lab: ResolvedConfig['lab']): CorpusReport[] {
  const out: CorpusReport[] = [];
  for (const dir of INPUT_DIRS) {
    for (const file of readdirSync(dir).sort()) {
      if (/\.(md|pdf)$/i.test(file)) continue;
      const path = join(dir, file);
      const bytes = readFileSync(path);
      let reports: LabReport[];
      try {
        reports = parseInput(bytes, { file, hprimCharset: 'latin1', companion: companionReader(dirname(path)) }).reports;
      } catch (err) {
        if (err instanceof InputError) continue;
        throw err;
      }
      for (const [i, parsed] of reports.entries()) {
        const report = withConfiguredLab(parsed, lab);
        const setId = setIdFor(orderKey(report, lab.finess ?? lab.name, `${sha256(bytes)}#${i}`));
        out.push({ name: `${relative(repoRoot, path)}#${i}`, report, ids: { setId, version: 1, documentId: documentIdFor(setId, 1) } });
      }
    }
  }
  return out;
}
