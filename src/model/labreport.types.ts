/* Generated from src/model/labreport.schema.json by scripts/gen-types.mjs: edit the schema, not this file. */

/**
 * ISO 8601, as precise as the source: YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDTHH:mm[:ss][offset]. Without an offset, a lab-local time (config lab.timezone).
 *
 * This interface was referenced by `LabReport`'s JSON-Schema
 * via the `definition` "DateTime".
 */
export type DateTime = string;
/**
 * This interface was referenced by `LabReport`'s JSON-Schema
 * via the `definition` "Value".
 */
export type Value =
  | {
      kind: 'numeric';
      value: Decimal;
      comparator?: '<' | '<=' | '>' | '>=';
    }
  | {
      kind: 'text';
      text: string;
    }
  | {
      kind: 'coded';
      code: string;
      label?: string;
      system?: string;
    }
  | {
      kind: 'none';
      /**
       * Why there is no value (pending, not done…).
       */
      reason?: string;
    };
/**
 * A decimal number exactly as written (point as separator, trailing zeros kept).
 *
 * This interface was referenced by `LabReport`'s JSON-Schema
 * via the `definition` "Decimal".
 */
export type Decimal = string;
/**
 * Abnormal flag, HL7 table 0078.
 *
 * This interface was referenced by `LabReport`'s JSON-Schema
 * via the `definition` "Flag".
 */
export type Flag =
  | 'N'
  | 'L'
  | 'H'
  | 'LL'
  | 'HH'
  | '<'
  | '>'
  | 'A'
  | 'AA'
  | 'S'
  | 'R'
  | 'I'
  | 'POS'
  | 'NEG'
  | 'U'
  | 'D'
  | 'B'
  | 'W';

/**
 * One lab report: one patient, one request (order). The contract between the parsers and the renderers. Numeric values are decimal strings exactly as written by the lab, so no digit is ever lost or added. Result.second is the same result in a second unit; validator is the validating biologist.
 */
export interface LabReport {
  source?: Source;
  lab?: Lab;
  patient: Patient;
  prescriber?: Practitioner;
  copiesTo?: Practitioner[];
  request: Request;
  validator?: Practitioner;
  /**
   * final = complete report; partial = some results still pending; corrected = replaces an earlier version; cancelled = withdraws it.
   */
  status: 'final' | 'partial' | 'corrected' | 'cancelled';
  chapters: Chapter[];
  /**
   * Report-level comments.
   */
  comments?: string[];
  /**
   * Free text of the report as the lab wrote it (HPRIM Médecin body, or a text-only report).
   */
  text?: string;
  attachments?: Attachment[];
  /**
   * MSSanté addresses named in the input itself (HL7 PRT, JSON).
   */
  recipients?: NamedRecipient[];
  masking?: Masking;
}
/**
 * This interface was referenced by `LabReport`'s JSON-Schema
 * via the `definition` "Source".
 */
export interface Source {
  format: 'json' | 'hprim-sante' | 'hprim-medecin' | 'hl7v2';
  file?: string;
  /**
   * First line (or segment number) of this report in the file.
   */
  line?: number;
  charset?: string;
  /**
   * Sender code/name as written in the file header.
   */
  sender?: string;
  /**
   * HL7 MSH-10 or HPRIM file name.
   */
  messageId?: string;
}
/**
 * This interface was referenced by `LabReport`'s JSON-Schema
 * via the `definition` "Lab".
 */
export interface Lab {
  name: string;
  finess?: string;
  address?: Address;
  phone?: string;
  email?: string;
  /**
   * Code of the lab in the sender's system.
   */
  code?: string;
}
/**
 * This interface was referenced by `LabReport`'s JSON-Schema
 * via the `definition` "Address".
 */
export interface Address {
  lines?: string[];
  postalCode?: string;
  city?: string;
  country?: string;
}
/**
 * This interface was referenced by `LabReport`'s JSON-Schema
 * via the `definition` "Patient".
 */
export interface Patient {
  ids: {
    /**
     * Local patient id (IPP) at the lab.
     */
    ipp?: string;
    /**
     * Patient id given by the requester.
     */
    requesterId?: string;
    ins?: Ins;
    /**
     * NIR as written in the input when it is not a qualified INS (HPRIM Médecin line 8).
     */
    nir?: string;
  };
  /**
   * Family name in use, as shown on documents.
   */
  familyName: string;
  /**
   * Birth family name (INS trait); absent when the input gives only one name.
   */
  birthFamilyName?: string;
  /**
   * Birth given names, first one first.
   */
  givenNames?: string[];
  usedGivenName?: string;
  birthDate?: DateTime;
  /**
   * INSEE COG code of the birth place (an INS trait).
   */
  birthPlaceCode?: string;
  sex?: 'M' | 'F' | 'U';
  address?: Address;
  phone?: string;
}
/**
 * This interface was referenced by `LabReport`'s JSON-Schema
 * via the `definition` "Ins".
 */
export interface Ins {
  /**
   * INS matricule (NIR or NIA, 15 characters with key, or 13 without).
   */
  value: string;
  oid: '1.2.250.1.213.1.4.8' | '1.2.250.1.213.1.4.9' | '1.2.250.1.213.1.4.10' | '1.2.250.1.213.1.4.11';
  /**
   * True only when the identity status is qualified (VALI / QUAL).
   */
  qualified: boolean;
}
/**
 * This interface was referenced by `LabReport`'s JSON-Schema
 * via the `definition` "Practitioner".
 */
export interface Practitioner {
  rpps?: string;
  adeli?: string;
  /**
   * Practitioner code in the lab's system.
   */
  code?: string;
  title?: string;
  familyName?: string;
  givenName?: string;
  /**
   * Full name as written, when it cannot be split.
   */
  name?: string;
  /**
   * What else the input says about the person, as written (suffix, degree, establishment…): HPRIM Santé name components past the title.
   */
  details?: string;
  mssAddress?: string;
  organization?: string;
  address?: Address;
  phone?: string;
  /**
   * ISO 8601, as precise as the source: YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDTHH:mm[:ss][offset]. Without an offset, a lab-local time (config lab.timezone).
   */
  time?: string;
}
/**
 * This interface was referenced by `LabReport`'s JSON-Schema
 * via the `definition` "Request".
 */
export interface Request {
  /**
   * Order id given by the requester.
   */
  placerId?: string;
  /**
   * Lab file number (n° de dossier).
   */
  fillerId?: string;
  prescribedAt?: DateTime;
  collectedAt?: DateTime;
  receivedAt?: DateTime;
  reportedAt?: DateTime;
  specimens?: Specimen[];
  sampler?: Practitioner;
  priority?: string;
}
/**
 * This interface was referenced by `LabReport`'s JSON-Schema
 * via the `definition` "Specimen".
 */
export interface Specimen {
  id?: string;
  /**
   * HL7 table 0487 code when known (BLD, SER, UR…).
   */
  type?: string;
  label?: string;
  collectedAt?: DateTime;
  receivedAt?: DateTime;
}
/**
 * This interface was referenced by `LabReport`'s JSON-Schema
 * via the `definition` "Chapter".
 */
export interface Chapter {
  /**
   * Lab section code (BIOCH, HEMAT…).
   */
  code?: string;
  label: string;
  /**
   * LOINC specialty code (18719-5 Biochimie…).
   */
  loinc?: string;
  batteries: Battery[];
}
/**
 * This interface was referenced by `LabReport`'s JSON-Schema
 * via the `definition` "Battery".
 */
export interface Battery {
  code?: string;
  label: string;
  loinc?: string;
  specimen?: Specimen;
  results: Result[];
  isolates?: Isolate[];
  comments?: string[];
  status?: 'final' | 'partial' | 'corrected' | 'cancelled';
}
/**
 * This interface was referenced by `LabReport`'s JSON-Schema
 * via the `definition` "Result".
 */
export interface Result {
  /**
   * Local test code.
   */
  code: string;
  label: string;
  loinc?: string;
  value: Value;
  unit?: string;
  range?: Range;
  second?: Quantity;
  flag?: Flag;
  /**
   * The abnormal flag exactly as the lab wrote it, when it differs from `flag` (e.g. `*`, `+`) or has no HL7 equivalent.
   */
  flagText?: string;
  status?: 'final' | 'preliminary' | 'corrected' | 'cancelled';
  observedAt?: DateTime;
  method?: string;
  comments?: string[];
  previous?: PreviousResult[];
  /**
   * HL7 OBX-4 (isolate number in microbiology).
   */
  subId?: string;
}
/**
 * This interface was referenced by `LabReport`'s JSON-Schema
 * via the `definition` "Range".
 */
export interface Range {
  low?: Decimal;
  high?: Decimal;
  /**
   * The range exactly as written.
   */
  text?: string;
}
/**
 * This interface was referenced by `LabReport`'s JSON-Schema
 * via the `definition` "Quantity".
 */
export interface Quantity {
  value: Value;
  unit?: string;
  range?: Range;
}
/**
 * This interface was referenced by `LabReport`'s JSON-Schema
 * via the `definition` "PreviousResult".
 */
export interface PreviousResult {
  value: Value;
  unit?: string;
  date: DateTime;
}
/**
 * This interface was referenced by `LabReport`'s JSON-Schema
 * via the `definition` "Isolate".
 */
export interface Isolate {
  number?: string;
  organism: Code;
  results?: Result[];
  susceptibility?: Susceptibility[];
  comments?: string[];
}
/**
 * This interface was referenced by `LabReport`'s JSON-Schema
 * via the `definition` "Code".
 */
export interface Code {
  code: string;
  label?: string;
  /**
   * LN for LOINC, L or empty for local, or an OID.
   */
  system?: string;
}
/**
 * This interface was referenced by `LabReport`'s JSON-Schema
 * via the `definition` "Susceptibility".
 */
export interface Susceptibility {
  antibiotic: Code;
  loinc?: string;
  mic?: Quantity;
  interpretation: 'S' | 'I' | 'R' | 'SDD' | 'NS';
}
/**
 * This interface was referenced by `LabReport`'s JSON-Schema
 * via the `definition` "Attachment".
 */
export interface Attachment {
  filename: string;
  contentType: string;
  base64: string;
  /**
   * report-pdf: a PDF the LIS produced; cda: a CDA document carried by the input (CI-SIS ORU).
   */
  role?: 'report-pdf' | 'cda' | 'other';
}
/**
 * This interface was referenced by `LabReport`'s JSON-Schema
 * via the `definition` "NamedRecipient".
 */
export interface NamedRecipient {
  address: string;
  role?: 'prescriber' | 'copy' | 'patient' | 'other';
  name?: string;
  rpps?: string;
}
/**
 * This interface was referenced by `LabReport`'s JSON-Schema
 * via the `definition` "Masking".
 */
export interface Masking {
  invisibleToPatient?: boolean;
  maskedFromProfessionals?: boolean;
  secretConnection?: boolean;
  toDmp?: boolean;
  toMssPro?: boolean;
  toMssPatient?: boolean;
  ackReception?: boolean;
  ackRead?: boolean;
}
