import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { brotliCompressSync } from 'node:zlib';
import { PDFDocument } from '../../src/documents/pdf/pdfkit.js';
import { renderPdf } from '../../src/documents/pdf/render.js';
import { sampleReport } from '../helpers/lab.js';
import type { LabReport } from '../../src/model/labreport.types.js';

const require = createRequire(import.meta.url);
const fromPdfkit = createRequire(require.resolve('pdfkit'));
const fromFontkit = createRequire(fromPdfkit.resolve('fontkit'));
const loaded = (from: NodeRequire, id: string) => Boolean(require.cache[from.resolve(id)]);

describe('dependencies the renderer never calls load on first call', () => {
  it('a render loads none of them', async () => {
    assert.ok(PDFDocument);
    const pdf = await renderPdf(sampleReport(1) as unknown as LabReport, { lab: { name: 'Laboratoire' }, documentId: 'X v1', timezone: 'Europe/Paris' });
    assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
    assert.equal(loaded(fromFontkit, 'brotli/dec/decode.js'), false, 'the Brotli decoder was loaded');
    assert.equal(loaded(createRequire(fromPdfkit.resolve('@noble/ciphers/aes')), './_polyval.js'), false, 'AES was loaded');
    assert.equal(loaded(fromPdfkit, 'unicode-trie'), true, 'fontkit itself needs unicode-trie');
    assert.equal(loaded(createRequire(fromPdfkit.resolve('linebreak')), 'base64-js'), false, 'the line breaker was loaded');
  });

  it('each works when called, and is then the module itself', () => {
    const text = Buffer.from('Glycémie à jeun 5,2 mmol/L '.repeat(20));
    const decompress = fromFontkit('brotli/decompress.js') as (b: Buffer) => Uint8Array;
    assert.deepEqual(Buffer.from(decompress(brotliCompressSync(text))), text);
    assert.equal(loaded(fromFontkit, 'brotli/dec/decode.js'), true);
    assert.equal(fromFontkit('brotli/decompress.js'), require(fromFontkit.resolve('brotli/dec/decode.js')).BrotliDecompressBuffer);

    const { cbc } = fromPdfkit('@noble/ciphers/aes') as { cbc(key: Uint8Array, iv: Uint8Array): { encrypt(b: Uint8Array): Uint8Array; decrypt(b: Uint8Array): Uint8Array } };
    const key = new Uint8Array(16).fill(7), iv = new Uint8Array(16).fill(3);
    assert.deepEqual(Buffer.from(cbc(key, iv).decrypt(cbc(key, iv).encrypt(text))), text);

    const LineBreaker = fromPdfkit('linebreak') as new (s: string) => { nextBreak(): { position: number } | null };
    assert.equal(new LineBreaker('deux mots').nextBreak()?.position, 5);
    assert.equal(typeof (fromPdfkit('linebreak') as { prototype: { nextBreak?: unknown } }).prototype.nextBreak, 'function');
  });
});
