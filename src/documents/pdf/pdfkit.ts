import { createRequire } from 'node:module';
import type PDFDocumentClass from 'pdfkit';

/**
 * pdfkit and fontkit for the renderer: one instance of each, both loaded as CommonJS.
 * pdfkit's ESM build imports fontkit's ESM build, while the fonts are opened with the fontkit that
 * `require` gives (pdfkit takes font objects as they are, and font-memo.ts patches their classes): each
 * render thread loaded fontkit, restructure and unicode-properties twice, and Node lexed their CommonJS
 * dependencies for the ESM importer. Loaded as CommonJS, pdfkit requires the fontkit the fonts come from.
 */
const require = createRequire(import.meta.url);

export const PDFDocument = require('pdfkit') as typeof PDFDocumentClass;

/** The part of fontkit the renderer calls. */
export interface Fontkit { create(data: Buffer): unknown }

export const fontkit = createRequire(require.resolve('pdfkit'))('fontkit') as Fontkit;
