/**
 * A CDA the input already carries (CI-SIS ORU: OBX ED with the CR-BIO, attachment role 'cda').
 * The lab's own document is re-sent unchanged: labmss reads only its unique id (for the XDM
 * metadata) and the PDF copy it embeds (FR-Document-PDF-copie), which is the report's PDF.
 */
import { XMLParser } from 'fast-xml-parser';
import type { LabReport } from '../../model/labreport.types.js';

export interface CarriedCda {
  /** The document as received, decoded from base64 as UTF-8. */
  xml: string;
  /** ClinicalDocument/id as an XDS uniqueId (`root^extension`, or `root`); undefined when absent. */
  uniqueId?: string;
  /** ClinicalDocument/code/@code, for X-MSS-CODECDA. */
  code?: string;
  /** The PDF embedded in the FR-Document-PDF-copie section (observationMedia value B64), when present. */
  pdf?: Buffer;
}

const PDF_COPY_SECTION = '1.2.250.1.213.1.1.2.243';

type XNode = Record<string, unknown>;
const list = (v: unknown): XNode[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is XNode => typeof x === 'object' && x !== null);

/** Every descendant object (depth first), the node itself included. */
function* descendants(node: XNode): Generator<XNode> {
  yield node;
  for (const [k, v] of Object.entries(node)) if (!k.startsWith('@_')) for (const c of list(v)) yield* descendants(c);
}

function embeddedPdf(doc: XNode): Buffer | undefined {
  for (const n of descendants(doc)) {
    if (!list(n.templateId).some((t) => t['@_root'] === PDF_COPY_SECTION)) continue;
    for (const m of descendants(n)) {
      for (const media of list(m.observationMedia)) {
        const value = list(media.value)[0];
        if (value?.['@_mediaType'] === 'application/pdf' && value['@_representation'] === 'B64' && typeof value['#text'] === 'string') {
          return Buffer.from(value['#text'], 'base64');
        }
      }
    }
  }
  return undefined;
}

/** The CDA the report carries, or undefined when it carries none. */
export function carriedCda(report: LabReport): CarriedCda | undefined {
  const att = report.attachments?.find((a) => a.role === 'cda');
  if (!att) return undefined;
  const xml = Buffer.from(att.base64, 'base64').toString('utf8');
  const parser = new XMLParser({ removeNSPrefix: true, ignoreAttributes: false, parseTagValue: false, trimValues: true, processEntities: false });
  const doc = list((parser.parse(xml) as XNode).ClinicalDocument)[0];
  if (!doc) throw new Error(`the CDA carried by the input (${att.filename}) has no ClinicalDocument root`);
  const id = list(doc.id)[0];
  const root = id?.['@_root'];
  const ext = id?.['@_extension'];
  return {
    xml,
    uniqueId: typeof root === 'string' ? (typeof ext === 'string' && ext !== '' ? `${root}^${ext}` : root) : undefined,
    code: typeof list(doc.code)[0]?.['@_code'] === 'string' ? list(doc.code)[0]!['@_code'] as string : undefined,
    pdf: embeddedPdf(doc),
  };
}
