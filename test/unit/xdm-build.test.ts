import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { XMLParser } from 'fast-xml-parser';
import { unzipSync } from 'fflate';
import { buildCda } from '../../src/documents/cda/build.js';
import { buildXdm, CDA_PATH, METADATA_PATH } from '../../src/documents/xdm/build.js';
import { CDA_CASES, cdaContext, loadReport, PDF } from '../helpers/cda-fixtures.js';

function pack(i: number) {
  const c = CDA_CASES[i]!;
  const report = loadReport(c.name);
  const ctx = cdaContext(c);
  const cda = buildCda(report, PDF, ctx);
  return { cda, zip: buildXdm(cda, report, { lab: ctx.lab, timezone: ctx.timezone, documentId: ctx.documentId, setId: ctx.setId }) };
}

const slots = (metadata: string) => {
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', isArray: (n) => n === 'rim:Slot' || n === 'rim:Value' }).parse(metadata);
  const eo = doc['lcm:SubmitObjectsRequest']['rim:RegistryObjectList']['rim:ExtrinsicObject'];
  const out: Record<string, string[]> = {};
  for (const s of eo['rim:Slot']) out[s['@_name']] = s['rim:ValueList']['rim:Value'].map(String);
  return { out, eo };
};

test('IHE_XDM.ZIP holds the four files with 8.3 upper-case names', () => {
  const files = unzipSync(new Uint8Array(pack(0).zip));
  assert.deepEqual(Object.keys(files), ['INDEX.HTM', 'README.TXT', METADATA_PATH, CDA_PATH]);
});

test('METADATA.XML hash and size match the CDA bytes; typeCode, formatCode, facility', () => {
  for (const i of [0, 1, 3]) {
    const { cda, zip } = pack(i);
    const files = unzipSync(new Uint8Array(zip));
    const bytes = Buffer.from(files[CDA_PATH]!);
    assert.equal(bytes.toString('utf8'), cda);
    const metadata = Buffer.from(files[METADATA_PATH]!).toString('utf8');
    const { out } = slots(metadata);
    assert.equal(out.hash![0], createHash('sha1').update(bytes).digest('hex'));
    assert.equal(out.size![0], String(bytes.length));
    assert.equal(out.URI![0], 'DOC0001.XML');
    assert.equal(out.languageCode![0], 'fr-FR');
    for (const code of ['11502-2', 'urn:ihe:lab:xd-lab:2008', 'SA25', 'AMBULATOIRE', 'nodeRepresentation="N"', 'nodeRepresentation="10"']) {
      assert.ok(metadata.includes(code), code);
    }
  }
});

test('patientId is the INS when the CDA carries it, else the IPP under the lab root', () => {
  const ins = Buffer.from(unzipSync(new Uint8Array(pack(0).zip))[METADATA_PATH]!).toString('utf8');
  assert.ok(ins.includes('value="279035121518989^^^&amp;1.2.250.1.213.1.4.10&amp;ISO^NH"'));
  const ipp = Buffer.from(unzipSync(new Uint8Array(pack(1).zip))[METADATA_PATH]!).toString('utf8');
  assert.match(ipp, /value="IPP000999\^\^\^&amp;2\.25\.\d+&amp;ISO\^PI"/);
  assert.ok(!ipp.includes('180127512345678'));
});

test('times are UTC in the metadata', () => {
  const { out } = slots(Buffer.from(unzipSync(new Uint8Array(pack(0).zip))[METADATA_PATH]!).toString('utf8'));
  assert.equal(out.creationTime![0], '20240104150527');
  assert.equal(out.serviceStartTime![0], '20240104063500');
});

test('same input gives a byte-identical zip', () => {
  for (const i of [0, 1, 2, 3, 4]) assert.ok(pack(i).zip.equals(pack(i).zip));
});
