import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { validate } from './config.validate.js';
import type { LabmssConfig, ResolvedConfig, Secret } from './config.types.js';
import { describeErrors, type SchemaProblem } from '../model/schema-problems.js';
import { t } from '../i18n/index.js';

export type { ResolvedConfig };

/** A configuration problem: the CLI prints it and exits 2 without writing anything. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** The schema compiled at build time (scripts/gen-validators.mjs): no schema compilation at start-up. */
const check = validate as ValidateFunction<LabmssConfig>;

export interface LoadedConfig {
  config: ResolvedConfig;
  /** The config file, absolute. */
  file: string;
}

/** Where the config is: --config, then LABMSS_CONFIG, then ./labmss.json. */
export function configPath(explicit?: string): string {
  return resolve(explicit ?? process.env.LABMSS_CONFIG ?? 'labmss.json');
}

export function loadConfig(explicit?: string): LoadedConfig {
  const file = configPath(explicit);
  if (!existsSync(file)) {
    throw new ConfigError(t().config.missing({ file }));
  }
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(t().config.notJson({ file, error: (err as Error).message }));
  }
  return { config: resolveConfig(value, file), file };
}

/** Validates a parsed config, fills the defaults and makes every path absolute (relative to the config file). */
export function resolveConfig(value: unknown, file: string): ResolvedConfig {
  if (!check(value)) {
    const lines = describeErrors(check.errors ?? []).map((p) => `  ${keyOf(p.pointer)}: ${wording(p)}`);
    throw new ConfigError(`${t().config.invalid({ file })}\n${lines.join('\n')}`);
  }
  const config = value as unknown as ResolvedConfig;
  const base = dirname(file);
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(base, p));
  config.paths.export = abs(config.paths.export);
  config.paths.state = abs(config.paths.state);
  if (config.paths.print) config.paths.print = abs(config.paths.print);
  if (config.addressBook) config.addressBook = abs(config.addressBook);
  if (config.transport.outbox) config.transport.outbox = abs(config.transport.outbox);
  if (config.loinc.mapping) config.loinc.mapping = abs(config.loinc.mapping);
  const smtp = config.transport.smtp;
  if (smtp) {
    smtp.ca = abs(smtp.ca);
    for (const k of ['pfx', 'cert', 'key'] as const) if (smtp[k]) smtp[k] = abs(smtp[k]!);
    if (smtp.passphrase?.file) smtp.passphrase.file = abs(smtp.passphrase.file);
  }
  const imap = config.receipts.imap;
  if (imap) {
    imap.ca = abs(imap.ca);
    if (imap.password?.file) imap.password.file = abs(imap.password.file);
  }
  if (config.transport.type === 'smtp' && !smtp) {
    throw new ConfigError(`${t().config.invalid({ file })}\n  transport.smtp: ${t().config.smtpRequired}`);
  }
  return config;
}

/** A schema problem in the words of a person editing the file (ajv's own are for programmers). */
function wording(p: SchemaProblem): string {
  const m = t().config;
  const params = p.params ?? {};
  switch (p.keyword) {
    case 'required': return m.required({ name: String(params.missingProperty) });
    case 'additionalProperties': return m.unknown({ name: String(params.additionalProperty) });
    case 'enum': return m.oneOf({ values: (params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ') });
    case 'type': return m.type[String(params.type).split(',')[0]!] ?? p.message;
    case 'pattern': return m.patterns[String(params.pattern)] ?? m.pattern;
    default: return p.message;
  }
}

/** Why a file named in the config cannot be read, in words (not `ENOENT`). */
export function unreadable(what: string, path: string, err: unknown): ConfigError {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  return new ConfigError(t().config.unreadable({ what, path, why: t().config.why[code] ?? (err as Error).message }));
}

/** `/transport/smtp/port` → `transport.smtp.port`, the way a person names a key. */
function keyOf(pointer: string): string {
  return pointer === '/' ? '(top level)' : pointer.slice(1).replace(/\//g, '.');
}

/** Reads a secret from its environment variable or file; never from the config or the command line. */
export function readSecret(secret: Secret | undefined, what: string): string | undefined {
  if (!secret) return undefined;
  if (secret.env) {
    const v = process.env[secret.env];
    if (v === undefined) throw new ConfigError(t().config.envUnset({ what, env: secret.env }));
    return v;
  }
  if (secret.file) {
    try {
      return readFileSync(secret.file, 'utf8').replace(/\r?\n$/, '');
    } catch (err) {
      throw unreadable(what, secret.file, err);
    }
  }
  return undefined;
}
