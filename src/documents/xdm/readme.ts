/** The human-readable files of an XDM medium: INDEX.HTM (built with the XML builder) and README.TXT. */
import { DOC_TITLE } from '../cda/codes.js';
import { el, type XNode } from '../cda/xml.js';
import { fastXmlParser } from '../libraries.js';
import type { XdmContext } from './context.js';

const { XMLBuilder } = fastXmlParser();
const html = new XMLBuilder({ preserveOrder: true, ignoreAttributes: false, attributeNamePrefix: '@_', format: false });

export function indexHtm(ctx: XdmContext): string {
  const page: XNode = el('html', null,
    el('head', null, el('meta', { 'http-equiv': 'Content-Type', content: 'text/html; charset=UTF-8' }), el('title', null, 'IHE XDM')),
    el('body', null,
      el('h1', null, DOC_TITLE),
      el('p', null, `Émetteur : ${ctx.lab.name}`),
      el('ul', null,
        el('li', null, el('a', { href: 'IHE_XDM/SUBSET01/DOC0001.XML' }, 'DOC0001.XML'), ' : compte rendu CR-BIO (CDA R2 niveau 3, copie PDF incluse)'),
        el('li', null, el('a', { href: 'IHE_XDM/SUBSET01/METADATA.XML' }, 'METADATA.XML'), ' : métadonnées XDS')),
      el('p', null, el('a', { href: 'README.TXT' }, 'README.TXT'))));
  return `<!DOCTYPE html>${html.build([page]) as string}`;
}

export function readmeTxt(ctx: XdmContext): string {
  return [
    'IHE XDM - support d\'echange de documents de sante',
    '',
    `Emetteur : ${ctx.lab.name}${ctx.lab.finess ? ` (FINESS ${ctx.lab.finess})` : ''}`,
    'Application : labmss',
    '',
    'Contenu :',
    '  INDEX.HTM                      page d\'accueil',
    '  README.TXT                     ce fichier',
    '  IHE_XDM/SUBSET01/METADATA.XML  metadonnees XDS (ebRIM SubmitObjectsRequest)',
    '  IHE_XDM/SUBSET01/DOC0001.XML   compte rendu d\'examens biologiques CR-BIO (CDA R2 niveau 3)',
    '',
  ].join('\r\n');
}
