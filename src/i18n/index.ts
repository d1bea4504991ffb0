import { en, type Catalog } from './en.js';
import { fr } from './fr.js';

/**
 * What labmss tells people, in their language: French when `ui.language` or the locale says so, English
 * otherwise; times in the lab's time zone. Machines (--json, daemon logs) never go through here.
 */

export type Language = 'fr' | 'en';
export type { Catalog };

export const catalogs: Record<Language, Catalog> = { en, fr };

/** The locale's language, the way gettext reads it: LC_ALL, then LC_MESSAGES, then LANG. */
export function localeLanguage(env: NodeJS.ProcessEnv = process.env): Language {
  const locale = [env.LC_ALL, env.LC_MESSAGES, env.LANG].find((v) => v);
  return locale && /^fr([_.@-]|$)/i.test(locale) ? 'fr' : 'en';
}

let language: Language = localeLanguage();
let timeZone: string | undefined;

/** Called once the config is read: its `ui.language` wins over the locale, its `lab.timezone` gives the times. */
export function useLocale(opts: { language?: Language; timeZone?: string }): void {
  language = opts.language ?? localeLanguage();
  timeZone = opts.timeZone;
}

export function currentLanguage(): Language { return language; }

/** The messages in the current language. */
export function t(): Catalog { return catalogs[language]; }

/**
 * An ISO instant as people read it, in the lab's time zone (`22/11/2026 10:03:12` in French,
 * `2026-11-22 10:03:12` in English). Anything that is not an instant comes back as it was.
 */
export function formatTime(iso: string | null | undefined, lang: Language = language, zone: string | undefined = timeZone): string {
  if (!iso) return '-';
  const date = new Date(iso);
  if (!/T\d{2}:\d{2}/.test(iso) || Number.isNaN(date.getTime())) return iso;
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-GB', {
    timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
  }).formatToParts(date).map((p) => [p.type, p.value]));
  const time = `${parts.hour}:${parts.minute}:${parts.second}`;
  return lang === 'fr' ? `${parts.day}/${parts.month}/${parts.year} ${time}` : `${parts.year}-${parts.month}-${parts.day} ${time}`;
}

/** A calendar date (`1988-09-15`) as people write it: `15/09/1988` in French. */
export function formatDate(iso: string | null | undefined, lang: Language = language): string {
  if (!iso) return '?';
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  return m && lang === 'fr' ? `${m[3]}/${m[2]}/${m[1]}` : iso.slice(0, 10);
}

/** A byte count for people: `1.5 MB` / `1,5 Mo`. */
export function formatBytes(bytes: number, lang: Language = language): string {
  const units = lang === 'fr' ? ['o', 'Ko', 'Mo', 'Go', 'To'] : ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  const n = i === 0 ? String(v) : v.toFixed(1);
  return `${lang === 'fr' ? n.replace('.', ',') : n} ${units[i]}`;
}
