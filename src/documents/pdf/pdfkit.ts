import Module, { createRequire } from 'node:module';
import type PDFDocumentClass from 'pdfkit';

/**
 * pdfkit and fontkit for the renderer: one instance of each, both loaded as CommonJS.
 * pdfkit's ESM build imports fontkit's ESM build, while the fonts are opened with the fontkit that
 * `require` gives (pdfkit takes font objects as they are, and font-memo.ts patches their classes): each
 * render thread loaded fontkit, restructure and unicode-properties twice, and Node lexed their CommonJS
 * dependencies for the ESM importer. Loaded as CommonJS, pdfkit requires the fontkit the fonts come from.
 */
const require = createRequire(import.meta.url);
const pdfkitPath = require.resolve('pdfkit');
const fontkitPath = createRequire(pdfkitPath).resolve('fontkit');

/**
 * Dependencies the renderer never calls load only when first called: pdfkit's AES (for encrypted PDFs;
 * PDF/A forbids encryption), 30 ms of CPU to load; fontkit's Brotli decoder (for WOFF2 fonts; the DejaVu
 * files are TrueType), 40–60 ms, most of it expanding its dictionary; pdfkit's Unicode line breaker (for
 * text it wraps itself; layout.ts wraps every line), 10 ms. Every render thread paid them before its first report.
 */
deferLoad(pdfkitPath, '@noble/ciphers/aes');
deferLoad(pdfkitPath, 'linebreak');
deferLoad(fontkitPath, 'brotli/decompress.js');

export const PDFDocument = require('pdfkit') as typeof PDFDocumentClass;

/** The part of fontkit the renderer calls. */
export interface Fontkit { create(data: Buffer): unknown }

export const fontkit = createRequire(pdfkitPath)('fontkit') as Fontkit;

/**
 * Puts a stand-in for module `id`, as `from` requires it, in the module cache: the module itself is loaded on
 * the first call of its export or read of one of its properties, and replaces the stand-in in the cache.
 */
function deferLoad(from: string, id: string): void {
  const fromRequire = createRequire(from);
  const path = fromRequire.resolve(id);
  if (fromRequire.cache[path]) return;
  const stub = new Module(path);
  const load = (): Record<PropertyKey, unknown> & ((...args: unknown[]) => unknown) => {
    if (fromRequire.cache[path] === stub) delete fromRequire.cache[path];
    return fromRequire(path);
  };
  stub.filename = path;
  stub.loaded = true;
  stub.exports = new Proxy(function () {}, {
    apply: (_target, self, args) => Reflect.apply(load(), self, args),
    construct: (_target, args) => Reflect.construct(load(), args),
    get: (_target, key) => load()[key],
    has: (_target, key) => key in load(),
  });
  fromRequire.cache[path] = stub;
}
