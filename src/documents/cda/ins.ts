import type { Ins, Patient } from '../../model/labreport.types.js';

/**
 * The INS the documents may carry: only a qualified identity (research/mssante.md §3) whose traits
 * are all known — birth name, birth given names, birth date, birth place (COG) and sex — since
 * structuration minimale rejects an INS-identified patient missing any of them. Otherwise the
 * documents identify the patient by the lab's IPP alone.
 */
export function carriedIns(p: Patient): Ins | undefined {
  const ins = p.ids.ins;
  if (!ins?.qualified) return undefined;
  const traits = (p.birthFamilyName ?? p.familyName) && p.givenNames?.length && p.birthDate && p.birthPlaceCode && (p.sex === 'M' || p.sex === 'F');
  return traits ? ins : undefined;
}
