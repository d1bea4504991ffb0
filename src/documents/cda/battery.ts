/**
 * One battery (a requested test or panel) → one leaf section: a narrative table and exactly one
 * Laboratory Report Data Processing Entry holding the specimen collection, the battery organizer
 * (or a lone observation), the microbiology isolates with their antibiograms, and the comments.
 */
import type { Battery, Isolate, LabReport, Result, Specimen, Susceptibility } from '../../model/labreport.types.js';
import { resolveLoinc, toSpecimenType } from '../../loinc/index.js';
import { ANTIBIOGRAM, SNOMED, SPECIMEN_SYSTEM } from './codes.js';
import type { CdaContext } from './context.js';
import { labRoot } from './ids.js';
import { buildObservation, codeNode, commentAct, IdCounter, interpretation } from './observation.js';
import { practitionerName } from '../names.js';
import { documentTime } from './header.js';
import { validatorParticipant } from './parties.js';
import { frenchTime, hl7Time } from './time.js';
import { displayValue, typedValue } from './values.js';
import { el, type XNode } from './xml.js';

const HEAD = ['Examen', 'Résultat', 'Valeurs de référence', 'Interprétation', 'Antériorités'];
const SIR: Record<Susceptibility['interpretation'], string> = {
  S: 'Sensible', I: 'Intermédiaire', R: 'Résistant', SDD: 'Sensible dose-dépendant', NS: 'Non sensible',
};

export interface SectionCode { loinc: string; label: string }

interface Ctx { report: LabReport; ctx: CdaContext; ids: IdCounter; cancelled: boolean }

const comp = (node: XNode) => el('entryRelationship', { typeCode: 'COMP' }, node);
const component = (node: XNode) => el('component', null, node);

function table(caption: XNode | string, rows: XNode[]): XNode {
  return el('table', { border: '0' },
    el('thead', null, el('tr', null, el('th', null, caption), HEAD.slice(1).map((h) => el('th', null, h)))),
    el('tbody', null, rows));
}

/** Observations (narrative rows + entries) for a result and its second unit. */
function resultParts(r: Result, time: string, c: Ctx) {
  const first = buildObservation({ result: r, value: r.value, unit: r.unit, range: r.range, effectiveTime: r.observedAt ?? time, cancelled: c.cancelled }, c.ids, c.ctx, true);
  if (!r.second) return [first];
  const second = buildObservation({ result: r, value: r.second.value, unit: r.second.unit, range: r.second.range, effectiveTime: r.observedAt ?? time, cancelled: c.cancelled }, c.ids, c.ctx, false);
  return [first, second];
}

function specimenProcedure(s: Specimen | undefined, time: string | undefined, c: Ctx): { node?: XNode; note?: XNode } {
  const type = s ? (s.type ? toSpecimenType(s.type) : undefined) ?? (s.label ? toSpecimenType(s.label) : undefined) : undefined;
  if (!s || !type || !time) return {};
  const id = c.ids.next('spec-');
  const note = el('paragraph', null, 'Prélèvement : ', el('content', { ID: id }, s.label ?? type.displayName), ` (${frenchTime(time)})`);
  const specimenId = s.id ?? c.report.request.fillerId;
  const received = s.receivedAt ?? c.report.request.receivedAt;
  const node = el('procedure', { classCode: 'PROC', moodCode: 'EVN' },
    el('templateId', { root: '1.3.6.1.4.1.19376.1.3.1.2' }),
    el('templateId', { root: '1.2.250.1.213.1.1.3.77' }),
    el('effectiveTime', { value: hl7Time(time, c.ctx.timezone) }),
    el('participant', { typeCode: 'PRD' }, el('participantRole', { classCode: 'SPEC' },
      specimenId ? el('id', { root: labRoot(c.ctx.lab), extension: specimenId }) : el('id', { nullFlavor: 'UNK' }),
      el('playingEntity', null, el('code', { code: type.code, displayName: type.displayName, codeSystem: SPECIMEN_SYSTEM },
        el('originalText', null, el('reference', { value: `#${id}` })))))),
    received ? comp(el('act', { classCode: 'ACT', moodCode: 'EVN' },
      el('templateId', { root: '1.3.6.1.4.1.19376.1.3.1.3' }),
      el('templateId', { root: '1.2.250.1.213.1.1.3.107' }),
      el('code', { code: 'SPRECEIVE', displayName: 'Échantillon reçu', codeSystem: '1.3.5.1.4.1.19376.1.5.3.2', codeSystemName: 'IHEActCode' }),
      el('effectiveTime', { value: hl7Time(received, c.ctx.timezone) }))) : undefined);
  return { node, note };
}

function statusOf(c: Ctx, entries: XNode[]): string {
  if (c.cancelled) return 'aborted';
  return c.report.status === 'partial' ? 'active' : entries.length ? 'completed' : 'active';
}

function batteryOrganizer(codeN: XNode, status: string, components: XNode[]): XNode {
  return el('organizer', { classCode: 'BATTERY', moodCode: 'EVN' },
    el('templateId', { root: '1.3.6.1.4.1.19376.1.3.1.4' }),
    el('templateId', { root: '1.2.250.1.213.1.1.3.78' }),
    codeN,
    el('statusCode', { code: status }),
    components.map(component));
}

function susceptibilityParts(s: Susceptibility, time: string, c: Ctx): { row: XNode; entry: XNode } {
  const id = c.ids.next('atb-');
  const interp = interpretation(s.interpretation);
  const mic = s.mic;
  const row = el('tr', null,
    el('td', null, el('content', { ID: id }, s.antibiotic.label ?? s.antibiotic.code)),
    el('td', null, mic ? el('content', { ID: `${id}-v` }, displayValue(mic.value, mic.unit)) : undefined),
    el('td', null),
    el('td', null, SIR[s.interpretation]),
    el('td', null));
  const loinc = s.loinc ? resolveLoinc({ code: s.antibiotic.code, label: s.antibiotic.label ?? s.antibiotic.code, loinc: s.loinc }, c.ctx.mapping) : undefined;
  const entry = el('observation', { classCode: 'OBS', moodCode: 'EVN' },
    el('templateId', { root: '1.3.6.1.4.1.19376.1.3.1.6' }),
    el('templateId', { root: '1.2.250.1.213.1.1.3.80' }),
    codeNode(loinc, id, { code: s.antibiotic.code, label: s.antibiotic.label ?? s.antibiotic.code }, c.ctx),
    el('statusCode', { code: c.cancelled ? 'aborted' : 'completed' }),
    el('effectiveTime', { value: hl7Time(time, c.ctx.timezone) }),
    mic ? typedValue(mic.value, mic.unit, `${id}-v`, c.ctx.localCodeSystem) : undefined,
    interp.node);
  return { row, entry };
}

function isolateParts(iso: Isolate, time: string, c: Ctx): { narrative: XNode[]; entry: XNode } {
  const id = c.ids.next('iso-');
  const rows: XNode[] = [];
  const notes: XNode[] = [];
  const comps: XNode[] = [];
  for (const r of iso.results ?? []) {
    for (const p of resultParts(r, time, c)) {
      rows.push(...p.rows); notes.push(...p.notes);
      if (p.entry) comps.push(p.entry);
    }
  }
  const sus = (iso.susceptibility ?? []).map((s) => susceptibilityParts(s, time, c));
  let abgId: string | undefined;
  if (sus.length) {
    abgId = c.ids.next('abg-');
    rows.push(el('tr', null, el('td', null, el('content', { ID: abgId }, 'Antibiogramme')), el('td'), el('td'), el('td'), el('td')));
    rows.push(...sus.map((s) => s.row));
    comps.push(batteryOrganizer(el('code', ANTIBIOGRAM, el('originalText', null, el('reference', { value: `#${abgId}` }))),
      c.cancelled ? 'aborted' : 'completed', sus.map((s) => s.entry)));
  }
  const isoComments = (iso.comments ?? []).map((t, k) => el('paragraph', { ID: `${id}-c${k + 1}` }, t));
  const organism = iso.organism;
  const snomed = organism.system === SNOMED || organism.system === 'SCT' || organism.system === 'SNOMED CT';
  const label = organism.label ?? organism.code;
  const caption = [iso.number ? `Germe ${iso.number} : ` : 'Germe : ', el('content', { ID: id }, label)];
  const entry = el('organizer', { classCode: 'CLUSTER', moodCode: 'EVN' },
    el('templateId', { root: '1.3.6.1.4.1.19376.1.3.1.5' }),
    el('templateId', { root: '1.2.250.1.213.1.1.3.79' }),
    el('statusCode', { code: c.cancelled ? 'aborted' : 'completed' }),
    el('effectiveTime', { value: hl7Time(time, c.ctx.timezone) }),
    el('specimen', { typeCode: 'SPC' }, el('specimenRole', { classCode: 'SPEC' },
      el('specimenPlayingEntity', { classCode: 'MIC' },
        // Without SNOMED CT (or NCBI) the isolate is described by its name only (E_laboratoryIsolateOrganizer_int).
        el('code', snomed ? { code: organism.code, displayName: label, codeSystem: SNOMED, codeSystemName: 'SNOMED CT' } : null,
          el('originalText', null, el('reference', { value: `#${id}` })))))),
    comps.map(component),
    isoComments.map((_, k) => component(commentAct(`${id}-c${k + 1}`))));
  return { narrative: [table(el('content', null, caption), rows), ...notes, ...isoComments], entry };
}

/** The leaf section of one battery, or undefined while all its results are pending. */
export function batterySection(b: Battery, sectionCode: SectionCode, c: Ctx): XNode | undefined {
  const req = c.report.request;
  const specimen = b.specimen ?? (req.specimens?.length === 1 ? req.specimens[0] : undefined);
  const time = specimen?.collectedAt ?? req.collectedAt ?? req.receivedAt ?? req.reportedAt;
  if (!time) throw new Error(`battery ${b.label}: no collection, reception or report time`);
  const batteryLoinc = resolveLoinc({ code: b.code ?? '', label: b.label, loinc: b.loinc }, c.ctx.mapping);
  const spec = specimenProcedure(specimen, specimen?.collectedAt ?? req.collectedAt, c);
  const batteryId = c.ids.next('bat-');

  const rows: XNode[] = [];
  const notes: XNode[] = [];
  const observations: XNode[] = [];
  for (const r of b.results) {
    for (const p of resultParts(r, time, c)) {
      rows.push(...p.rows); notes.push(...p.notes);
      if (p.entry) observations.push(p.entry);
    }
  }
  const isolates = (b.isolates ?? []).map((i) => isolateParts(i, time, c));
  const batteryComments = (b.comments ?? []).map((t, k) => el('paragraph', { ID: `${batteryId}-c${k + 1}` }, t));
  // A leaf section needs exactly one entry with at least one result: a battery still wholly pending has none.
  if (observations.length + isolates.length === 0) return undefined;

  const status = statusOf(c, observations);
  const parts: XNode[] = [];
  if (spec.node) parts.push(comp(spec.node));
  if (observations.length > 1 || (observations.length === 1 && batteryLoinc)) {
    parts.push(comp(batteryOrganizer(codeNode(batteryLoinc, batteryId, { code: b.code, label: b.label }, c.ctx), status, observations)));
  } else if (observations.length === 1) parts.push(comp(observations[0]!));
  parts.push(...isolates.map((i) => comp(i.entry)));
  parts.push(...batteryComments.map((_, k) => el('entryRelationship', { typeCode: 'SUBJ' }, commentAct(`${batteryId}-c${k + 1}`))));

  const validatedAt = c.report.validator?.time ?? documentTime(c.report);
  const validator = validatorParticipant(c.report.validator, hl7Time(validatedAt, c.ctx.timezone), c.ctx);
  const text = el('text', null,
    spec.note,
    rows.length ? table(el('content', { ID: batteryId }, b.label), rows) : el('paragraph', null, el('content', { ID: batteryId }, b.label)),
    notes,
    isolates.map((i) => i.narrative),
    batteryComments,
    validator ? el('paragraph', null, `Résultats validés par ${practitionerName(c.report.validator!)} le ${frenchTime(validatedAt)}`) : undefined);
  const entry = el('entry', { typeCode: 'DRIV' },
    el('templateId', { root: '1.3.6.1.4.1.19376.1.3.1' }),
    el('templateId', { root: '1.2.250.1.213.1.1.3.21' }),
    el('act', { classCode: 'ACT', moodCode: 'EVN' },
      el('code', { code: sectionCode.loinc, displayName: sectionCode.label, codeSystem: '2.16.840.1.113883.6.1', codeSystemName: 'LOINC' }),
      el('statusCode', { code: c.cancelled ? 'aborted' : status }),
      validator,
      parts));
  return el('section', null,
    el('templateId', { root: '1.3.6.1.4.1.19376.1.3.3.2.2' }),
    el('templateId', { root: '1.2.250.1.213.1.1.2.71' }),
    el('code', { code: sectionCode.loinc, displayName: sectionCode.label, codeSystem: '2.16.840.1.113883.6.1', codeSystemName: 'LOINC' }),
    el('title', null, b.label),
    text,
    entry);
}

export type { Ctx as BatteryContext };
