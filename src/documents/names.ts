import type { LabReport, Practitioner } from '../model/labreport.types.js';

/** How people and dates are written in what doctors and patients read (French conventions). */

/** `DUPONT Jean` (née MARTIN when the birth name differs). */
export function patientDisplayName(report: LabReport): string {
  const p = report.patient;
  const given = p.usedGivenName ?? p.givenNames?.[0] ?? '';
  const name = `${p.familyName.toUpperCase()} ${given}`.trim();
  return p.birthFamilyName && p.birthFamilyName.toUpperCase() !== p.familyName.toUpperCase()
    ? `${name} (né(e) ${p.birthFamilyName.toUpperCase()})`
    : name;
}

/** `Dr Jean MARTIN`, or the name as written when the input could not split it; then what else the input says of him. */
export function practitionerName(p: Practitioner): string {
  const parts = [p.title, p.givenName, p.familyName].filter((s): s is string => !!s && s.trim() !== '');
  const name = parts.length > (p.title ? 1 : 0) ? parts.join(' ') : [p.title, p.name].filter(Boolean).join(' ');
  const who = name || p.code || p.rpps || p.adeli || '';
  return p.details ? `${who}, ${p.details}` : who;
}

/** ISO date or date-time → `JJ/MM/AAAA` or `JJ/MM/AAAA HH:mm`, at the precision given. */
export function displayDate(iso: string): string {
  const m = /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?(?:T(\d{2}):(\d{2}))?/.exec(iso);
  if (!m) return iso;
  const [, y, mo, d, h, mi] = m;
  const date = d ? `${d}/${mo}/${y}` : mo ? `${mo}/${y}` : y!;
  return h ? `${date} ${h}:${mi}` : date;
}

/** ISO date → `AAAAMMJJ` for file names; empty when unknown. */
export function fileDate(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  return m ? `${m[1]}${m[2]}${m[3]}` : '';
}
