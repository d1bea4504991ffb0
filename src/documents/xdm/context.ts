import type { DocumentAction } from '../action.js';
import type { CdaContext } from '../cda/context.js';

/** What the XDM package needs beyond the report: the same lab, zone and ids as the CDA it carries. */
export interface XdmContext {
  lab: CdaContext['lab'];
  timezone: string;
  /** The CDA's id/@extension: DocumentEntry.uniqueId is `<lab root>^<documentId>`. */
  documentId: string;
  /** DocumentEntry.uniqueId of a CDA labmss did not build (its own id, `root^extension`); default `<lab root>^<documentId>`. */
  uniqueId?: string;
  /** setId of the CDA (kept for callers; the submission set id is derived from documentId). */
  setId: string;
  authorSpecialty?: CdaContext['authorSpecialty'];
  /** Replace or delete (extra-metadata `action`, RPLC association, status); default: a new document. */
  action?: DocumentAction;
}
