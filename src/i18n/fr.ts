import type { Catalog } from './en.js';

/** Messages en français : mêmes clés et mêmes paramètres que en.ts (le type Catalog y veille). */
export const fr: Catalog = {
  common: {
    noJournal: (p) => `pas encore de journal dans ${p.state} : lancez d’abord \`labmss run\``,
    noAccess: (p) =>
      `permission refusée : ${p.user} ne peut pas lire ${p.path}. Lancez labmss avec le compte de service (\`sudo -u labmss labmss …\`) ou demandez l’accès au dossier d’état`,
    truncated: (p) => `(${p.shown} premiers sur ${p.total} affichés : précisez la recherche ou augmentez --limit)`,
  },
  find: {
    description: 'retrouver les comptes rendus d’un patient par nom (sans tenir compte des accents ni des majuscules), date de naissance, INS, IPP ou numéro de dossier',
    argWords: 'noms, une date de naissance (15/09/1988), un INS, un IPP ou un numéro de dossier',
    optBirthDate: 'né(e) à cette date (15/09/1988, 1988-09-15, 09/1988, 1988)',
    optLimit: 'au plus ce nombre de comptes rendus',
    badDate: (p) => `--birth-date ${p.value} : date attendue (15/09/1988, 1988-09-15, 09/1988 ou 1988)`,
    nothingAsked: 'qui chercher ? un nom, une date de naissance, un INS, un IPP ou un numéro de dossier (`labmss find DUPONT 15/09/1988`)',
    none: (p) => `aucun compte rendu pour ${p.query}`,
    bornOn: (p) => `né(e) le ${p.date}`,
    report: (p) => `R${p.id}  dossier ${p.dossier}, version ${p.version} (${p.status}), ${p.at}`,
    noDelivery: '    aucun envoi (rien n’a été envoyé pour lui)',
    next: '`labmss show R<id>` ou `labmss show <dossier>` raconte toute l’histoire',
  },
  show: {
    description: 'tout l’historique d’un envoi (D42), d’un compte rendu (R12) ou d’un dossier : états, réponses, accusés, preuve',
    argId: 'D42, R12 ou un numéro de dossier',
    noDelivery: (p) => `pas d’envoi D${p.id} : voir \`labmss status\``,
    noReport: (p) => `pas de compte rendu R${p.id} : voir \`labmss log\` ou \`labmss find\``,
    noSuch: (p) => `aucun envoi, compte rendu ni dossier « ${p.ref} » : essayez \`labmss find ${p.ref}\``,
    deliveryHead: (p) => `envoi D${p.id} du compte rendu R${p.report} (dossier ${p.dossier}, version ${p.version})`,
    to: 'à', state: 'état', messageId: 'message-id', eml: 'eml', attempts: 'tentatives', reply: 'réponse',
    notComposed: '(pas encore composé)', purged: '(supprimé par la rétention ; son SHA-256 reste)',
    next: 'prochaine', queueId: 'id de file', bytes: 'octets',
    accepted: 'accepté', delivered: 'distribué', read: 'lu',
    reportHead: (p) => `compte rendu R${p.id} du fichier F${p.file} : dossier ${p.dossier}, version ${p.version} (${p.status}), niveau ${p.stage}`,
  },
  log: {
    noReport: (p) => `pas de compte rendu R${p.id} : voir \`labmss find\``,
    noDelivery: (p) => `pas d’envoi D${p.id} : voir \`labmss status\``,
  },
  directory: {
    nothing: (p) => `rien pour ${p.query} dans l’extraction du ${p.date}`,
  },
  purge: {
    description: 'supprimer ce qui a dépassé la durée de conservation (retention.*) : anciens .eml, fichiers reçus, documents, quarantaine, outbox ; les événements du journal restent',
    optDryRun: 'dire seulement ce qui serait supprimé et la place libérée',
    line: (p) => `${p.what} : ${p.count} fichier(s), ${p.size}`,
    kinds: {
      emls: 'messages envoyés (mail/, plus anciens que retention.proofYears)',
      inputs: 'fichiers reçus (done/, plus anciens que retention.proofYears)',
      reports: 'documents produits (reports/, plus anciens que retention.documentYears)',
      quarantined: 'fichiers en quarantaine (quarantine/, plus anciens que retention.quarantineDays)',
      outbox: 'messages de l’outbox (plus anciens que retention.outboxDays)',
    },
    freed: (p) => `${p.size} libérés ; le journal garde tous les événements et le SHA-256 de chaque message`,
    wouldFree: (p) => `libérerait ${p.size} (simulation : rien n’a été supprimé)`,
    nothing: 'rien n’a dépassé la durée de conservation',
  },
  summary: {
    counts: (p) => `${p.claimed} fichier(s) pris en charge, ${p.reports} compte(s) rendu(s), ${p.sent} message(s) ${p.outbox ? 'écrits dans l’outbox (non envoyés : transport.type vaut "outbox")' : 'envoyés'}`,
    duplicates: (p) => `${p.n} fichier(s) déjà traités avec le même contenu : rien n’a été renvoyé`,
    deferred: (p) => `${p.n} différé(s)`,
    settling: (p) => `${p.n} fichier(s) modifiés à l’instant (peut-être en cours d’écriture) : laissés pour le prochain passage (intake.settleSeconds)`,
    quarantined: (p) => `en quarantaine : ${p.reason}`,
    held: (p) => `retenu D${p.id} ${p.to} : ${p.reason}`,
    failed: (p) => `échec D${p.id} ${p.to} : ${p.reason}`,
    deferredLine: (p) => `différé D${p.id} ${p.to} : ${p.reason}`,
    quarantineHint: 'voir `labmss status` pour le dossier de quarantaine ; corrigez le fichier et déposez-le à nouveau dans le dossier d’export',
    resendHint: 'pour envoyer ailleurs un compte rendu retenu ou en échec : `labmss resend R<id> --to ADRESSE`',
    duplicateHint: 'pour renvoyer quand même un tel fichier : `labmss send FICHIER --force` (`labmss find` montre ce qui a été envoyé)',
  },
  status: {
    disk: (p) => `disque : ${p.total} dans le dossier d’état (${p.parts})`,
  },
};
