import { InputError, type ParseOptions, type ParseResult } from './types.js';

// Placeholder until the parser lands (issue 3).
export function parseHl7(_bytes: Buffer, opts: ParseOptions): ParseResult {
  throw new InputError({ file: opts.file }, 'hl7v2 parser not written yet');
}
