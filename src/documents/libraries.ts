import { createRequire } from 'node:module';
import type * as FastXmlParser from 'fast-xml-parser';
import type * as Fflate from 'fflate';

/**
 * Libraries loaded on first use, as CommonJS (synchronously, one instance per thread), so that the commands
 * and threads that never call them do not pay their start-up.
 */
const require = createRequire(import.meta.url);

function onFirstUse<T>(id: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= require(id) as T);
}

/**
 * For the CDA builder, INDEX.HTM and the readers of carried CDAs and allow-lists. Its ESM entry imports a
 * tree of some forty modules (the parser, the builder package, the entity tables), which each render thread
 * compiled and linked in 60 ms of CPU; its CommonJS build is one file of the same version, loaded in 9 ms.
 */
export const fastXmlParser = onFirstUse<typeof FastXmlParser>('fast-xml-parser');

/**
 * For the XDM writer and reader and the directory import. It builds its Huffman and CRC tables as it loads,
 * 15–20 ms of CPU that `status`, `run` on an empty folder and every command that never touches a zip paid.
 */
export const fflate = onFirstUse<typeof Fflate>('fflate');
