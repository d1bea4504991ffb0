import { detectFormat } from './detect.js';
import { decode } from './charset.js';
import { parseJson } from './json.js';
import { parseHprimSante } from './hprim-sante.js';
import { parseHprimMedecin } from './hprim-medecin.js';
import { parseHl7 } from './hl7v2.js';
import { collapseIdentical } from './collapse.js';
import { DEFAULT_MAX_FILE_BYTES, fileTooLarge } from '../gate/limits.js';
import { withCarriedDefaults } from './carried.js';
import { InputError, type ParseOptions, type ParseResult } from './types.js';

export * from './types.js';

/** Reads any supported export file into LabReports; throws InputError when the file must be quarantined. */
export function parseInput(bytes: Buffer, opts: ParseOptions): ParseResult {
  const tooLarge = fileTooLarge(bytes.length, opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES);
  if (tooLarge) throw new InputError({ file: opts.file }, tooLarge);
  return collapseIdentical(withCarriedDefaults(parseFormat(bytes, opts), opts.file), opts.file);
}

function parseFormat(bytes: Buffer, opts: ParseOptions): ParseResult {
  const format = detectFormat(bytes);
  switch (format) {
    case 'json': {
      const { text, charset } = decode(bytes, 'utf-8');
      return { ...parseJson(text, opts), charset };
    }
    case 'hprim-sante': return parseHprimSante(bytes, opts);
    case 'hprim-medecin': return parseHprimMedecin(bytes, opts);
    case 'hl7v2': return parseHl7(bytes, opts);
    default:
      throw new InputError({ file: opts.file, line: 1 }, 'unknown format: expected HPRIM Santé (H record), HPRIM Médecin (12-line header or ****LAB****), HL7 v2 (MSH) or labmss JSON');
  }
}
