import { createRequire } from 'node:module';
import type * as Fflate from 'fflate';

/**
 * fflate, loaded on first use: it builds its Huffman and CRC tables as it loads, 15–20 ms of CPU that
 * `status`, `run` on an empty folder and every command that never reads or writes a zip paid at start-up.
 * One instance (its CommonJS build, which `require` gives synchronously) serves the XDM writer and reader
 * and the directory import.
 */
let loaded: typeof Fflate | undefined;

export function fflate(): typeof Fflate {
  return (loaded ??= createRequire(import.meta.url)('fflate') as typeof Fflate);
}
