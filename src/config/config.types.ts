/* Generated from src/config/config.schema.json by scripts/gen-types.mjs: edit the schema, not this file. */

/**
 * labmss configuration (labmss.json). Relative paths are relative to the folder of the config file. Secrets never appear here: only the names of environment variables or files that hold them.
 */
export interface LabmssConfig {
  $schema?: string;
  lab: {
    /**
     * Lab name as printed on reports.
     */
    name: string;
    /**
     * FINESS number (9 characters).
     */
    finess?: string;
    address?: {
      lines?: string[];
      postalCode?: string;
      city?: string;
      country?: string;
    };
    phone?: string;
    /**
     * The lab's MSSanté application mailbox: the From of every message.
     */
    mailbox: string;
    /**
     * Display name of the From address (default: lab name).
     */
    senderLabel?: string;
    /**
     * IANA time zone of the lab's local times.
     */
    timezone?: string;
    /**
     * Lab director (biologiste responsable): the CR-BIO responsible biologist and performer when the validating biologist's RPPS is not in the input. Stage 2 needs an RPPS here unless the LIS sends the validator's RPPS.
     */
    director?: {
      rpps?: string;
      familyName?: string;
      givenName?: string;
    };
  };
  paths: {
    /**
     * Folder where the LIS drops result files.
     */
    export: string;
    /**
     * State directory: journal.sqlite, spool/, quarantine/, the lock file.
     */
    state: string;
    /**
     * Folder where the PDF of a report with no MSSanté recipient is written, so the paper route still works.
     */
    print?: string;
  };
  intake?: {
    /**
     * A file modified less than this many seconds ago is not claimed (still being written).
     */
    settleSeconds?: number;
    /**
     * File-name globs never claimed (temporary names of write-then-rename).
     */
    ignore?: string[];
    /**
     * Charset of HPRIM files that declare none (ISO-8859-1 by the standard).
     */
    hprimCharset?: string;
    maxFileMegabytes?: number;
  };
  /**
   * 1: PDF report; 2: CR-BIO CDA in IHE_XDM.ZIP plus the PDF.
   */
  stage?: 1 | 2;
  /**
   * Per-recipient settings, e.g. a doctor whose software takes only PDF.
   */
  recipientOverrides?: {
    address: string;
    stage?: 1 | 2;
  }[];
  message?: {
    /**
     * X-MSS-NIL: product reference from the ANS Convergence declaration, on every message.
     */
    nil?: string;
    /**
     * A message larger than this is held, not sent.
     */
    maxBytes?: number;
    /**
     * Ask for an MDN (Disposition-Notification-To).
     */
    readReceipt?: boolean;
  };
  /**
   * CSV or JSON file: LIS practitioner code or RPPS → MSSanté address.
   */
  addressBook?: string;
  routing?: {
    prescriber?: boolean;
    copies?: boolean;
    /**
     * Send to addresses named in the input (HL7 PRT).
     */
    inputRecipients?: boolean;
    patients?: {
      /**
       * Send to the patient's Mon espace santé mailbox (qualified INS only).
       */
      enabled?: boolean;
      /**
       * Add X-MSS-MES: FIN so the patient cannot reply.
       */
      endExchange?: boolean;
    };
    /**
     * When the directory gives several mailboxes for a practitioner.
     */
    preferMailboxType?: 'PER' | 'ORG' | 'hold';
  };
  transport?: {
    type?: 'outbox' | 'smtp';
    /**
     * Folder of the outbox transport (default: <state>/outbox).
     */
    outbox?: string;
    smtp?: Smtp;
  };
  retry?: {
    firstDelaySeconds?: number;
    maxDelaySeconds?: number;
    maxAgeHours?: number;
  };
  receipts?: {
    imap?: Imap;
    handledFolder?: string;
    pollSeconds?: number;
  };
  render?: {
    /**
     * Threads that render (and compose) reports side by side, each with its own files in flight. Default: the number of CPU cores, at most 8.
     */
    workers?: number;
  };
  watch?: {
    stableMilliseconds?: number;
    concurrency?: number;
    retryPollSeconds?: number;
  };
  loinc?: {
    /**
     * The lab's mapping CSV: local code → LOINC (and optional unit conversion).
     */
    mapping?: string;
  };
  stats?: {
    postagePerLetter?: number;
  };
  log?: {
    level?: 'debug' | 'info' | 'warn' | 'error';
  };
}
/**
 * This interface was referenced by `LabmssConfig`'s JSON-Schema
 * via the `definition` "Smtp".
 */
export interface Smtp {
  host: string;
  port: number;
  /**
   * TLS from the first byte (port 465) instead of STARTTLS.
   */
  implicitTls?: boolean;
  /**
   * Name expected in the server certificate (default: host).
   */
  servername?: string;
  /**
   * PEM bundle of the CA that signs the operator's certificate (IGC-Santé in production).
   */
  ca: string;
  /**
   * Client certificate and key as PKCS#12.
   */
  pfx?: string;
  /**
   * Client certificate (PEM), with key.
   */
  cert?: string;
  /**
   * Client private key (PEM).
   */
  key?: string;
  passphrase?: Secret;
  /**
   * Number of pooled connections.
   */
  pool?: number;
}
/**
 * Where a secret is read from: an environment variable or a file (never the config itself).
 *
 * This interface was referenced by `LabmssConfig`'s JSON-Schema
 * via the `definition` "Secret".
 */
export interface Secret {
  env?: string;
  file?: string;
}
/**
 * This interface was referenced by `LabmssConfig`'s JSON-Schema
 * via the `definition` "Imap".
 */
export interface Imap {
  host: string;
  port: number;
  implicitTls?: boolean;
  servername?: string;
  ca: string;
  user: string;
  password?: Secret;
  mailbox?: string;
}

/**
 * labmss configuration (labmss.json). Relative paths are relative to the folder of the config file. Secrets never appear here: only the names of environment variables or files that hold them.
 */
export interface ResolvedConfig {
  $schema?: string;
  lab: {
    /**
     * Lab name as printed on reports.
     */
    name: string;
    /**
     * FINESS number (9 characters).
     */
    finess?: string;
    address?: {
      lines?: string[];
      postalCode?: string;
      city?: string;
      country?: string;
    };
    phone?: string;
    /**
     * The lab's MSSanté application mailbox: the From of every message.
     */
    mailbox: string;
    /**
     * Display name of the From address (default: lab name).
     */
    senderLabel?: string;
    /**
     * IANA time zone of the lab's local times.
     */
    timezone: string;
    /**
     * Lab director (biologiste responsable): the CR-BIO responsible biologist and performer when the validating biologist's RPPS is not in the input. Stage 2 needs an RPPS here unless the LIS sends the validator's RPPS.
     */
    director?: {
      rpps?: string;
      familyName?: string;
      givenName?: string;
    };
  };
  paths: {
    /**
     * Folder where the LIS drops result files.
     */
    export: string;
    /**
     * State directory: journal.sqlite, spool/, quarantine/, the lock file.
     */
    state: string;
    /**
     * Folder where the PDF of a report with no MSSanté recipient is written, so the paper route still works.
     */
    print?: string;
  };
  intake: {
    /**
     * A file modified less than this many seconds ago is not claimed (still being written).
     */
    settleSeconds: number;
    /**
     * File-name globs never claimed (temporary names of write-then-rename).
     */
    ignore: string[];
    /**
     * Charset of HPRIM files that declare none (ISO-8859-1 by the standard).
     */
    hprimCharset: string;
    maxFileMegabytes: number;
  };
  /**
   * 1: PDF report; 2: CR-BIO CDA in IHE_XDM.ZIP plus the PDF.
   */
  stage: 1 | 2;
  /**
   * Per-recipient settings, e.g. a doctor whose software takes only PDF.
   */
  recipientOverrides: {
    address: string;
    stage?: 1 | 2;
  }[];
  message: {
    /**
     * X-MSS-NIL: product reference from the ANS Convergence declaration, on every message.
     */
    nil: string;
    /**
     * A message larger than this is held, not sent.
     */
    maxBytes: number;
    /**
     * Ask for an MDN (Disposition-Notification-To).
     */
    readReceipt: boolean;
  };
  /**
   * CSV or JSON file: LIS practitioner code or RPPS → MSSanté address.
   */
  addressBook?: string;
  routing: {
    prescriber: boolean;
    copies: boolean;
    /**
     * Send to addresses named in the input (HL7 PRT).
     */
    inputRecipients: boolean;
    patients: {
      /**
       * Send to the patient's Mon espace santé mailbox (qualified INS only).
       */
      enabled: boolean;
      /**
       * Add X-MSS-MES: FIN so the patient cannot reply.
       */
      endExchange: boolean;
    };
    /**
     * When the directory gives several mailboxes for a practitioner.
     */
    preferMailboxType: 'PER' | 'ORG' | 'hold';
  };
  transport: {
    type: 'outbox' | 'smtp';
    /**
     * Folder of the outbox transport (default: <state>/outbox).
     */
    outbox?: string;
    smtp?: Smtp;
  };
  retry: {
    firstDelaySeconds: number;
    maxDelaySeconds: number;
    maxAgeHours: number;
  };
  receipts: {
    imap?: Imap;
    handledFolder: string;
    pollSeconds: number;
  };
  render: {
    /**
     * Threads that render (and compose) reports side by side, each with its own files in flight. Default: the number of CPU cores, at most 8.
     */
    workers?: number;
  };
  watch: {
    stableMilliseconds: number;
    concurrency: number;
    retryPollSeconds: number;
  };
  loinc: {
    /**
     * The lab's mapping CSV: local code → LOINC (and optional unit conversion).
     */
    mapping?: string;
  };
  stats: {
    postagePerLetter: number;
  };
  log: {
    level: 'debug' | 'info' | 'warn' | 'error';
  };
}
