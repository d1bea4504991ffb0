import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { subsetWriter, type TtfSubset } from '../../src/documents/pdf/font-subset.js';

// fontkit as pdfkit resolves it: the one whose TTFSubset the renderer patches.
const require = createRequire(import.meta.url);
const fontkit = createRequire(require.resolve('pdfkit'))('fontkit') as {
  create(data: Buffer): { numGlyphs: number; createSubset(): TtfSubset & { includeGlyph(id: number): number }; _glyphs: Record<number, unknown> };
};
const fontDir = join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');

/** Deterministic glyph ids: a linear congruential generator, so a failure replays. */
function* ids(seed: number, max: number): Generator<number> {
  let x = seed;
  for (;;) yield (x = (x * 1103515245 + 12345) % 2 ** 31) % max;
}

describe('font subsets: the writer gives fontkit\'s bytes', () => {
  // Every DejaVu face: long and short loca (ExtraLight), with and without prep (MathTeXGyre), composite glyphs.
  const faces = readdirSync(fontDir).filter((f) => f.endsWith('.ttf'));
  it('covers fonts with short and long loca tables, with and without prep', () => {
    const formats = new Set(faces.map((f) => (fontkit.create(readFileSync(join(fontDir, f))) as unknown as { head: { indexToLocFormat: number } }).head.indexToLocFormat));
    assert.deepEqual([...formats].sort(), [0, 1]);
  });

  for (const face of faces) {
    it(face, () => {
      const font = fontkit.create(readFileSync(join(fontDir, face)));
      const proto = Object.getPrototypeOf(font.createSubset()) as TtfSubset;
      const fontkitEncode = proto.encode;
      const ours = subsetWriter(fontkitEncode);
      const draw = ids(face.length, font.numGlyphs);
      for (const size of [1, 2, 7, 40, 150, 400]) {
        const glyphs = Array.from({ length: size }, () => draw.next().value as number);
        const subset = () => {
          font._glyphs = {};
          const s = font.createSubset();
          for (const g of glyphs) s.includeGlyph(g);
          return s;
        };
        const expected = Buffer.from(fontkitEncode.call(subset()));
        const actual = Buffer.from(ours.call(subset()));
        assert.ok(actual.equals(expected), `${face}, ${size} glyphs (${glyphs.slice(0, 8).join(',')}…): ${actual.length} bytes against fontkit's ${expected.length}`);
      }
    });
  }
});
