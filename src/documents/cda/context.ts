import type { LoincMapping } from '../../loinc/index.js';

/** What the CDA needs beyond the LabReport: the lab's identity, time zone and the document's identifiers. */
export interface CdaContext {
  lab: {
    name: string;
    finess?: string;
    /** OID registered by the lab: root of its IPPs, order numbers and document ids (a name-based UUID stands in when absent). */
    oid?: string;
    address?: { lines?: string[]; postalCode?: string; city?: string };
    phone?: string;
    director?: { rpps?: string; familyName?: string; givenName?: string };
  };
  /** IANA zone of the report's local times, e.g. 'Europe/Paris' (offsets +0100/+0200 follow DST). */
  timezone: string;
  /** CDA id/@extension, stable per report version (derived by the caller). */
  documentId: string;
  /** setId/@extension, stable per order across versions. */
  setId: string;
  /** versionNumber: 1, 2, … */
  version: number;
  /** id/@extension of the version this one replaces (relatedDocument RPLC). */
  replaces?: string;
  /** The lab's LOINC mapping, passed to resolveLoinc. */
  mapping?: LoincMapping;
  /** OID of the lab's local test-code table (codeSystem of local translations); omitted when unknown. */
  localCodeSystem?: string;
  /** Author specialty (JDV_J01) of the validating biologist; default G15_10/SM03. */
  authorSpecialty?: { code: string; displayName: string };
}
