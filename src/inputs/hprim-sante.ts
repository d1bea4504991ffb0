import { InputError, type ParseOptions, type ParseResult } from './types.js';

// Placeholder until the parser lands (issue 3).
export function parseHprimSante(_bytes: Buffer, opts: ParseOptions): ParseResult {
  throw new InputError({ file: opts.file }, 'hprim-sante parser not written yet');
}
