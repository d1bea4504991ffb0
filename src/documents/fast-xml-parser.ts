import { createRequire } from 'node:module';
import type * as FastXmlParser from 'fast-xml-parser';

/**
 * fast-xml-parser, loaded as CommonJS and on first use. Its ESM entry imports a tree of some forty modules
 * (the parser, the builder package, the entity tables), which each render thread compiled and linked in
 * 60 ms of CPU; its CommonJS build is one file of the same version, loaded in 9 ms. One instance serves the
 * CDA builder, the XDM index and the readers of carried CDAs and allow-lists.
 */
let loaded: typeof FastXmlParser | undefined;

export function fastXmlParser(): typeof FastXmlParser {
  return (loaded ??= createRequire(import.meta.url)('fast-xml-parser') as typeof FastXmlParser);
}
