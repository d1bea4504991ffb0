/**
 * English messages: the reference catalog. fr.ts has the same keys with the same parameters (the type
 * `Catalog` makes the compiler check it; test/unit/ops-i18n.test.ts checks nothing is left empty).
 */
export const en = {
  common: {
    noJournal: (p: { state: string }) => `no journal in ${p.state} yet: run \`labmss run\` first`,
    noAccess: (p: { path: string; user: string }) =>
      `permission denied: ${p.path} cannot be read by ${p.user}. Run labmss as the service account (\`sudo -u labmss labmss …\`) or ask for access to the state directory`,
    truncated: (p: { shown: number; total: number | string }) => `(first ${p.shown} of ${p.total} shown: narrow the search or raise --limit)`,
  },
  find: {
    description: 'find a patient\'s reports by name (accents and case ignored), birth date, INS, IPP or dossier number',
    argWords: 'names, a birth date (15/09/1988), an INS, an IPP or a dossier number',
    optBirthDate: 'born on this date (15/09/1988, 1988-09-15, 09/1988, 1988)',
    optLimit: 'at most this many reports',
    badDate: (p: { value: string }) => `--birth-date ${p.value}: expected a date (15/09/1988, 1988-09-15, 09/1988 or 1988)`,
    nothingAsked: 'say whom to find: a name, a birth date, an INS, an IPP or a dossier number (`labmss find DUPONT 15/09/1988`)',
    none: (p: { query: string }) => `no report for ${p.query}`,
    bornOn: (p: { date: string }) => `born ${p.date}`,
    report: (p: { id: number; dossier: string; version: number; status: string; at: string }) =>
      `R${p.id}  dossier ${p.dossier}, version ${p.version} (${p.status}), ${p.at}`,
    noDelivery: '    no delivery (nothing sent for it)',
    next: '`labmss show R<id>` or `labmss show <dossier>` tells the whole story',
  },
  show: {
    description: 'a delivery\'s (D42), report\'s (R12) or dossier\'s full trail: states, replies, receipts, proof',
    argId: 'D42, R12, or a dossier number',
    noDelivery: (p: { id: number }) => `no delivery D${p.id}: see \`labmss status\``,
    noReport: (p: { id: number }) => `no report R${p.id}: see \`labmss log\` or \`labmss find\``,
    noSuch: (p: { ref: string }) => `no delivery, report or dossier "${p.ref}": try \`labmss find ${p.ref}\``,
    deliveryHead: (p: { id: number; report: number; dossier: string; version: number }) =>
      `delivery D${p.id} of report R${p.report} (dossier ${p.dossier}, version ${p.version})`,
    to: 'to', state: 'state', messageId: 'message-id', eml: 'eml', attempts: 'attempts', reply: 'reply',
    notComposed: '(not composed yet)', purged: '(removed by retention; its SHA-256 stays)',
    next: 'next', queueId: 'queue id', bytes: 'bytes',
    accepted: 'accepted', delivered: 'delivered', read: 'read',
    reportHead: (p: { id: number; file: number; dossier: string; version: number; status: string; stage: number }) =>
      `report R${p.id} from file F${p.file}: dossier ${p.dossier}, version ${p.version} (${p.status}), stage ${p.stage}`,
  },
  log: {
    noReport: (p: { id: number }) => `no report R${p.id}: see \`labmss find\``,
    noDelivery: (p: { id: number }) => `no delivery D${p.id}: see \`labmss status\``,
  },
  directory: {
    nothing: (p: { query: string; date: string }) => `nothing for ${p.query} in the extraction of ${p.date}`,
  },
  purge: {
    description: 'remove what is past retention (retention.*): old .eml, input files, documents, quarantine, outbox; the journal\'s events stay',
    optDryRun: 'only say what would be removed and how much it would free',
    line: (p: { what: string; count: number; size: string }) => `${p.what}: ${p.count} file(s), ${p.size}`,
    kinds: {
      emls: 'sent messages (mail/, older than retention.proofYears)',
      inputs: 'input files (done/, older than retention.proofYears)',
      reports: 'rendered documents (reports/, older than retention.documentYears)',
      quarantined: 'quarantined files (quarantine/, older than retention.quarantineDays)',
      outbox: 'outbox messages (older than retention.outboxDays)',
    },
    freed: (p: { size: string }) => `freed ${p.size}; the journal keeps every event and each message's SHA-256`,
    wouldFree: (p: { size: string }) => `would free ${p.size} (dry run: nothing removed)`,
    nothing: 'nothing is past retention',
  },
  summary: {
    counts: (p: { claimed: number; reports: number; sent: number; outbox: boolean }) =>
      `${p.claimed} file(s) claimed, ${p.reports} report(s), ${p.sent} message(s) ${p.outbox ? 'written to the outbox (not sent: transport.type is "outbox")' : 'sent'}`,
    duplicates: (p: { n: number }) => `${p.n} file(s) already processed with the same bytes: nothing sent again`,
    deferred: (p: { n: number }) => `${p.n} deferred`,
    settling: (p: { n: number }) => `${p.n} file(s) modified in the last moments (maybe still being written): left for the next pass (intake.settleSeconds)`,
    quarantined: (p: { reason: string }) => `quarantined: ${p.reason}`,
    held: (p: { id: number; to: string; reason: string }) => `held D${p.id} ${p.to}: ${p.reason}`,
    failed: (p: { id: number; to: string; reason: string }) => `failed D${p.id} ${p.to}: ${p.reason}`,
    deferredLine: (p: { id: number; to: string; reason: string }) => `deferred D${p.id} ${p.to}: ${p.reason}`,
    quarantineHint: 'see `labmss status` for the quarantine folder; fix the file and drop it in the export folder again',
    resendHint: 'to send a held or failed report elsewhere: `labmss resend R<id> --to ADDRESS`',
    duplicateHint: 'to send such a file again anyway: `labmss send FILE --force` (`labmss find` shows what was sent)',
  },
  status: {
    disk: (p: { total: string; parts: string }) => `disk: ${p.total} in the state directory (${p.parts})`,
  },
};

export type Catalog = typeof en;
