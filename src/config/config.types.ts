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
     * A file is taken once its size and mtime looked the same at two looks this many seconds apart, on labmss's own clock (never the file's mtime against the clock). 0: no wait (for a LIS that writes under a temp name and renames).
     */
    settleSeconds?: number;
    /**
     * For a LIS that writes a completion marker beside each finished file: its name, `*` standing for the file's name (`*.ok` → CR12.hpr.ok) or `{stem}` for the name without its extension (`{stem}.ok` → CR12.ok). A file is then taken only once its marker exists, and the marker is removed with it.
     */
    readyMarker?: string;
    /**
     * A stable file whose format announces an end it lacks (HL7 batch without BTS/FTS, HPRIM without its L record) is waited for this long before it is taken anyway (and then checked by the parser).
     */
    endWaitSeconds?: number;
    /**
     * File-name globs never claimed (temporary names of write-then-rename).
     */
    ignore?: string[];
    /**
     * Charset of HPRIM files that declare none (ISO-8859-1 by the standard).
     */
    hprimCharset?: string;
    /**
     * A file that would produce more messages than this is held for a person (a LIS export gone wrong).
     */
    maxMessagesPerFile?: number;
    /**
     * Larger export files are quarantined without being read or parsed.
     */
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
    /**
     * `run` exits 1 and names a delivery still deferred this long after its first attempt (cron hears of it before it fails).
     */
    reportDeferredAfterHours?: number;
  };
  receipts?: {
    imap?: Imap;
    handledFolder?: string;
    pollSeconds?: number;
  };
  render?: {
    /**
     * Threads that render (and compose) reports side by side while the main thread claims, journals and sends. Default: one fewer than the CPU cores (the main thread keeps a core busy), at most 8. 0: render in the main thread (the default on one core: a second thread there only adds its own start-up).
     */
    workers?: number;
  };
  watch?: {
    /**
     * Watch by polling the folder's files instead of inotify: needed on network shares (CIFS/SMB, NFS), where change events never arrive.
     */
    usePolling?: boolean;
    /**
     * With usePolling: how often each file of the export folder is looked at.
     */
    pollingIntervalMilliseconds?: number;
    /**
     * The whole export folder is looked at this often, a safety net for events the watcher missed.
     */
    rescanSeconds?: number;
    concurrency?: number;
    retryPollSeconds?: number;
    /**
     * The daemon serves /health and Prometheus /metrics over HTTP on this loopback port (absent: no HTTP at all).
     */
    metrics?: {
      port: number;
      /**
       * Loopback only: the figures are not for the network.
       */
      host?: '127.0.0.1' | '::1' | 'localhost';
    };
  };
  loinc?: {
    /**
     * The lab's mapping CSV: local code → LOINC (and optional unit conversion).
     */
    mapping?: string;
    /**
     * Also give a result the LOINC code of the shipped catalog entry whose usual local code it carries (GLY → 2345-7). Off by default: only codes the lab's biologist validated (in the input or the mapping file) go out; `labmss loinc suggest` drafts a mapping to review instead.
     */
    catalogAliases?: boolean;
  };
  stats?: {
    postagePerLetter?: number;
  };
  log?: {
    level?: 'debug' | 'info' | 'warn' | 'error';
  };
  ui?: {
    /**
     * Language of what labmss tells people (absent: the locale, LC_ALL / LC_MESSAGES / LANG). --json and the daemon logs stay English.
     */
    language?: 'fr' | 'en';
  };
  /**
   * How long proof and documents are kept; `labmss purge` removes only what is older. The journal events are never removed.
   */
  retention?: {
    /**
     * The exact sent messages (mail/D*.eml) and the original input files (done/): proof of what went to whom.
     */
    proofYears?: number;
    /**
     * The rendered PDFs, CDAs and XDM zips (reports/): they can be rendered again from the input kept as proof.
     */
    documentYears?: number;
    /**
     * Messages of the outbox transport.
     */
    outboxDays?: number;
    /**
     * Quarantined files and their reasons.
     */
    quarantineDays?: number;
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
     * A file is taken once its size and mtime looked the same at two looks this many seconds apart, on labmss's own clock (never the file's mtime against the clock). 0: no wait (for a LIS that writes under a temp name and renames).
     */
    settleSeconds: number;
    /**
     * For a LIS that writes a completion marker beside each finished file: its name, `*` standing for the file's name (`*.ok` → CR12.hpr.ok) or `{stem}` for the name without its extension (`{stem}.ok` → CR12.ok). A file is then taken only once its marker exists, and the marker is removed with it.
     */
    readyMarker?: string;
    /**
     * A stable file whose format announces an end it lacks (HL7 batch without BTS/FTS, HPRIM without its L record) is waited for this long before it is taken anyway (and then checked by the parser).
     */
    endWaitSeconds: number;
    /**
     * File-name globs never claimed (temporary names of write-then-rename).
     */
    ignore: string[];
    /**
     * Charset of HPRIM files that declare none (ISO-8859-1 by the standard).
     */
    hprimCharset: string;
    /**
     * A file that would produce more messages than this is held for a person (a LIS export gone wrong).
     */
    maxMessagesPerFile: number;
    /**
     * Larger export files are quarantined without being read or parsed.
     */
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
    /**
     * `run` exits 1 and names a delivery still deferred this long after its first attempt (cron hears of it before it fails).
     */
    reportDeferredAfterHours: number;
  };
  receipts: {
    imap?: Imap;
    handledFolder: string;
    pollSeconds: number;
  };
  render: {
    /**
     * Threads that render (and compose) reports side by side while the main thread claims, journals and sends. Default: one fewer than the CPU cores (the main thread keeps a core busy), at most 8. 0: render in the main thread (the default on one core: a second thread there only adds its own start-up).
     */
    workers?: number;
  };
  watch: {
    /**
     * Watch by polling the folder's files instead of inotify: needed on network shares (CIFS/SMB, NFS), where change events never arrive.
     */
    usePolling: boolean;
    /**
     * With usePolling: how often each file of the export folder is looked at.
     */
    pollingIntervalMilliseconds: number;
    /**
     * The whole export folder is looked at this often, a safety net for events the watcher missed.
     */
    rescanSeconds: number;
    concurrency: number;
    retryPollSeconds: number;
    /**
     * The daemon serves /health and Prometheus /metrics over HTTP on this loopback port (absent: no HTTP at all).
     */
    metrics?: {
      port: number;
      /**
       * Loopback only: the figures are not for the network.
       */
      host: '127.0.0.1' | '::1' | 'localhost';
    };
  };
  loinc: {
    /**
     * The lab's mapping CSV: local code → LOINC (and optional unit conversion).
     */
    mapping?: string;
    /**
     * Also give a result the LOINC code of the shipped catalog entry whose usual local code it carries (GLY → 2345-7). Off by default: only codes the lab's biologist validated (in the input or the mapping file) go out; `labmss loinc suggest` drafts a mapping to review instead.
     */
    catalogAliases: boolean;
  };
  stats: {
    postagePerLetter: number;
  };
  log: {
    level: 'debug' | 'info' | 'warn' | 'error';
  };
  ui: {
    /**
     * Language of what labmss tells people (absent: the locale, LC_ALL / LC_MESSAGES / LANG). --json and the daemon logs stay English.
     */
    language?: 'fr' | 'en';
  };
  /**
   * How long proof and documents are kept; `labmss purge` removes only what is older. The journal events are never removed.
   */
  retention: {
    /**
     * The exact sent messages (mail/D*.eml) and the original input files (done/): proof of what went to whom.
     */
    proofYears: number;
    /**
     * The rendered PDFs, CDAs and XDM zips (reports/): they can be rendered again from the input kept as proof.
     */
    documentYears: number;
    /**
     * Messages of the outbox transport.
     */
    outboxDays: number;
    /**
     * Quarantined files and their reasons.
     */
    quarantineDays: number;
  };
}
