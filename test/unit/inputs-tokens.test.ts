import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { splitOn } from '../../src/inputs/split.js';
import { LineReader } from '../../src/inputs/lines.js';
import { Memo, copyRange, parseRange } from '../../src/inputs/values.js';

const chunky = fc.array(fc.constantFrom('a', 'é', '|', '^', ' ', '\r', '\n', '\r\n', 'OBX'), { maxLength: 40 }).map((a) => a.join(''));

test('splitOn gives what String.split gives', () => {
  fc.assert(fc.property(chunky, fc.constantFrom('|', '^', '\r'), (text, sep) => {
    assert.deepEqual(splitOn(text, sep), text.split(sep));
  }));
});

test('LineReader: lines, numbers, terminators as a CR/LF/CRLF split gives them', () => {
  fc.assert(fc.property(chunky, (text) => {
    const expected = text === '' ? [] : text.split(/\r\n|\r|\n/);
    if (expected.length && expected.at(-1) === '' && /[\r\n]$/.test(text)) expected.pop();
    const eols = text.match(/\r\n|\r|\n/g) ?? [];
    const r = new LineReader(text);
    const got: string[] = [];
    while (r.next()) {
      got.push(r.text);
      assert.equal(r.line, got.length);
      assert.equal(r.eol, eols[got.length - 1] ?? '');
      assert.equal(r.terminated, r.eol !== '');
    }
    assert.deepEqual(got, expected);
  }));
});

test('Memo answers like the function, undefined included, and stays bounded', () => {
  let calls = 0;
  const m = new Memo((t: string) => { calls++; return t === 'x' ? undefined : t.length; }, 3);
  assert.equal(m.get('x'), undefined);
  assert.equal(m.get('x'), undefined);
  assert.equal(m.get('abc'), 3);
  assert.equal(calls, 2);
  for (const t of ['a', 'bb', 'ccc', 'dddd']) m.get(t);
  assert.equal(m.get('dddd'), 4);
});

test('copyRange gives an equal, separate object with the keys in the same order', () => {
  for (const text of ['10 - 40', '< 5', '> 60', 'négatif']) {
    const r = parseRange(text)!;
    const c = copyRange(r);
    assert.deepEqual(c, r);
    assert.notEqual(c, r);
    assert.equal(JSON.stringify(c), JSON.stringify(r));
  }
});
