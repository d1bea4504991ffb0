/**
 * A CDA the input already carries (CI-SIS ORU: OBX ED with the CR-BIO, attachment role 'cda').
 * The lab's own document is re-sent unchanged: labmss only reads from it what it must check or
 * express around it — its ids and version (XDM metadata, replacement), its date, the patient and
 * prescriber its header names (identity checks) and the PDF copy it embeds (FR-Document-PDF-copie).
 */
import { fastXmlParser } from '../libraries.js';
import type { Attachment, DateTime, LabReport } from '../../model/labreport.types.js';
import { parseTimestamp } from '../../inputs/values.js';
import { RPPS_ROOT } from './codes.js';

/** The patient as the carried CDA's header names it (recordTarget/patientRole). */
export interface CarriedPatient {
  /** patientRole/id whose root is an INS OID. */
  ins?: { value: string; oid: string };
  /** name/family[@qualifier='BR'], else the first family. */
  birthFamilyName?: string;
  /** Every name/family (birth name, used name…). */
  familyNames: string[];
  /** name/given[@qualifier='BR'], else the first word of the first given. */
  firstGivenName?: string;
  /** birthTime as YYYY-MM-DD. */
  birthDate?: string;
  /** administrativeGenderCode: M, F, or U (UN and anything else). */
  sex?: 'M' | 'F' | 'U';
}

export interface CarriedCda {
  /** The attachment's file name, to name it in reasons. */
  filename: string;
  /** The document as received, decoded from base64 as UTF-8. */
  xml: string;
  /** ClinicalDocument/id as an XDS uniqueId (`root^extension`, or `root`); undefined when absent. */
  uniqueId?: string;
  /** ClinicalDocument/code/@code, for X-MSS-CODECDA. */
  code?: string;
  /** ClinicalDocument/effectiveTime as ISO 8601. */
  effectiveTime?: DateTime;
  /** ClinicalDocument/setId as `root^extension` and versionNumber. */
  setId?: string;
  version?: number;
  /** relatedDocument[@typeCode='RPLC']/parentDocument/id as an XDS uniqueId: the document this one replaces. */
  replaces?: string;
  /** inFulfillmentOf/order/id/@extension: the lab's order (file) number. */
  orderId?: string;
  /** Undefined when the header has no recordTarget/patientRole/patient. */
  patient?: CarriedPatient;
  /** RPPS of the prescriber (participant[@typeCode='REF'], IDNPS `8`+RPPS). */
  prescriberRpps?: string;
  /** The PDF embedded in the FR-Document-PDF-copie section (observationMedia value B64), when present. */
  pdf?: Buffer;
}

const PDF_COPY_SECTION = '1.2.250.1.213.1.1.2.243';
const INS_OIDS: ReadonlySet<string> = new Set(['1.2.250.1.213.1.4.8', '1.2.250.1.213.1.4.9', '1.2.250.1.213.1.4.10', '1.2.250.1.213.1.4.11']);

type XNode = Record<string, unknown>;
const list = (v: unknown): XNode[] => (Array.isArray(v) ? v : v === undefined ? [] : [v])
  .map((x) => (typeof x === 'string' ? { '#text': x } : x))
  .filter((x): x is XNode => typeof x === 'object' && x !== null);
const first = (v: unknown): XNode | undefined => list(v)[0];
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
/**
 * The parser leaves entities alone (no DOCTYPE expansion in a document from outside): the predefined
 * ones and character references are decoded here, on the few values read.
 */
const decoded = (s: string) => s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);/g, (_, e: string) =>
  e.startsWith('#x') ? String.fromCodePoint(parseInt(e.slice(2), 16)) : e.startsWith('#') ? String.fromCodePoint(Number(e.slice(1))) : ENTITIES[e]!);
const value = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? decoded(v.trim()) : undefined);
const attr = (n: XNode | undefined, name: string): string | undefined => value(n?.[`@_${name}`]);
const text = (n: XNode | undefined): string | undefined => value(n?.['#text']);
/** An II as an XDS uniqueId: `root^extension`, or `root` alone. */
const uniqueIdOf = (id: XNode | undefined): string | undefined => {
  const root = attr(id, 'root');
  const ext = attr(id, 'extension');
  return root ? (ext ? `${root}^${ext}` : root) : undefined;
};

/** Every descendant object (depth first), the node itself included. */
function* descendants(node: XNode): Generator<XNode> {
  yield node;
  for (const [k, v] of Object.entries(node)) if (!k.startsWith('@_') && k !== '#text') for (const c of list(v)) yield* descendants(c);
}

function embeddedPdf(doc: XNode): Buffer | undefined {
  for (const n of descendants(doc)) {
    if (!list(n.templateId).some((t) => t['@_root'] === PDF_COPY_SECTION)) continue;
    for (const m of descendants(n)) {
      for (const media of list(m.observationMedia)) {
        const value = first(media.value);
        if (value?.['@_mediaType'] === 'application/pdf' && value['@_representation'] === 'B64' && typeof value['#text'] === 'string') {
          return Buffer.from(value['#text'], 'base64');
        }
      }
    }
  }
  return undefined;
}

function patientOf(doc: XNode): CarriedPatient | undefined {
  const role = first(first(doc.recordTarget)?.patientRole);
  const person = first(role?.patient);
  if (!role || !person) return undefined;
  const name = first(person.name);
  const families = list(name?.family);
  const givens = list(name?.given);
  const p: CarriedPatient = { familyNames: families.map(text).filter((f): f is string => !!f) };
  const insId = list(role.id).find((id) => INS_OIDS.has(attr(id, 'root') ?? ''));
  const insValue = attr(insId, 'extension');
  if (insId && insValue) p.ins = { value: insValue, oid: attr(insId, 'root')! };
  const birthFamily = text(families.find((f) => attr(f, 'qualifier') === 'BR') ?? families.find((f) => !attr(f, 'qualifier')) ?? families[0]);
  if (birthFamily) p.birthFamilyName = birthFamily;
  const firstGiven = text(givens.find((g) => attr(g, 'qualifier') === 'BR'))
    ?? text(givens.find((g) => !attr(g, 'qualifier')) ?? givens[0])?.split(/\s+/)[0];
  if (firstGiven) p.firstGivenName = firstGiven;
  const birth = parseTimestamp(attr(first(person.birthTime), 'value') ?? '');
  if (birth && birth.length >= 10) p.birthDate = birth.slice(0, 10);
  const sex = attr(first(person.administrativeGenderCode), 'code');
  if (sex) p.sex = sex === 'M' || sex === 'F' ? sex : 'U';
  return p;
}

function prescriberRppsOf(doc: XNode): string | undefined {
  for (const part of list(doc.participant)) {
    if (attr(part, 'typeCode') !== 'REF') continue;
    const id = list(first(part.associatedEntity)?.id).find((i) => attr(i, 'root') === RPPS_ROOT);
    const ext = attr(id, 'extension');
    if (ext && /^8\d{11}$/.test(ext)) return ext.slice(1);
  }
  return undefined;
}

/** Reads one carried CDA; throws when the attachment is not a ClinicalDocument. */
export function readCarriedCda(att: Attachment): CarriedCda {
  return readCdaXml(Buffer.from(att.base64, 'base64').toString('utf8'), att.filename);
}

/** Reads a CDA document's header (and its PDF copy); throws when it is not a ClinicalDocument. */
export function readCdaXml(xml: string, filename: string): CarriedCda {
  // Loaded on first use: every parse imports this module, few files carry a CDA.
  const { XMLParser } = fastXmlParser();
  const parser = new XMLParser({ removeNSPrefix: true, ignoreAttributes: false, parseTagValue: false, trimValues: true, processEntities: false });
  const doc = first((parser.parse(xml) as XNode).ClinicalDocument);
  if (!doc) throw new Error(`the CDA ${filename} has no ClinicalDocument root`);
  const out: CarriedCda = { filename, xml };
  const set = (key: keyof CarriedCda, value: unknown) => { if (value !== undefined) (out as unknown as Record<string, unknown>)[key] = value; };
  set('uniqueId', uniqueIdOf(first(doc.id)));
  set('code', attr(first(doc.code), 'code'));
  set('effectiveTime', parseTimestamp(attr(first(doc.effectiveTime), 'value') ?? ''));
  set('setId', uniqueIdOf(first(doc.setId)));
  const version = Number(attr(first(doc.versionNumber), 'value'));
  set('version', Number.isInteger(version) && version > 0 ? version : undefined);
  const rplc = list(doc.relatedDocument).find((r) => attr(r, 'typeCode') === 'RPLC');
  set('replaces', uniqueIdOf(first(first(rplc?.parentDocument)?.id)));
  set('orderId', attr(first(first(first(doc.inFulfillmentOf)?.order)?.id), 'extension'));
  set('patient', patientOf(doc));
  set('prescriberRpps', prescriberRppsOf(doc));
  set('pdf', embeddedPdf(doc));
  return out;
}

/** Parsed once per attachment object: the parser, the gate and the renderer all ask. */
const memo = new WeakMap<Attachment, CarriedCda>();

function cached(att: Attachment): CarriedCda {
  let c = memo.get(att);
  if (!c) { c = readCarriedCda(att); memo.set(att, c); }
  return c;
}

/** The attachments that are carried CDAs. */
export function carriedAttachments(report: LabReport): Attachment[] {
  return report.attachments?.filter((a) => a.role === 'cda') ?? [];
}

/** The CDA the report carries (the first one), or undefined when it carries none. */
export function carriedCda(report: LabReport): CarriedCda | undefined {
  const att = carriedAttachments(report)[0];
  return att && cached(att);
}

/** Every carried CDA, or for one that cannot be read, the reason. */
export function carriedCdas(report: LabReport): Array<CarriedCda | { filename: string; error: string }> {
  return carriedAttachments(report).map((att) => {
    try {
      return cached(att);
    } catch (err) {
      return { filename: att.filename, error: (err as Error).message };
    }
  });
}
