import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { configPath } from '../config/load.js';
import { t, useLocale, type Language } from '../i18n/index.js';

/**
 * `--help` in the language people are answered in. The config is not read yet when commander builds the
 * help, so its `ui.language` is peeked at here (quietly: a missing or broken config falls back to the locale;
 * the command itself reports it).
 */
export function helpLanguage(argv: string[]): void {
  const i = argv.findIndex((a) => a === '--config' || a === '-c' || a.startsWith('--config='));
  const explicit = i < 0 ? undefined : argv[i]!.startsWith('--config=') ? argv[i]!.slice('--config='.length) : argv[i + 1];
  try {
    const raw = JSON.parse(readFileSync(configPath(explicit), 'utf8')) as { ui?: { language?: Language }; lab?: { timezone?: string } };
    if (raw.ui?.language === 'fr' || raw.ui?.language === 'en') useLocale({ language: raw.ui.language, timeZone: raw.lab?.timezone });
  } catch { /* the locale decides */ }
}

/** Sets every command's, argument's and option's description from the catalog (one place for all of them). */
export function localiseHelp(program: Command): void {
  const h = t().help;
  program.description(h.program).showHelpAfterError(h.afterError);
  const help = { showGlobalOptions: true, styleTitle: (title: string) => h.titles[title] ?? title };
  const visit = (cmd: Command, path: string) => {
    if (path) cmd.description(h.commands[path] ?? cmd.description());
    cmd.configureHelp(help).helpOption('-h, --help', h.helpOption);
    for (const option of cmd.options) {
      const text = option.long === '--version' ? h.versionOption : h.options[path ? `${path} ${option.long}` : option.long ?? ''];
      if (text) option.description = text;
    }
    for (const arg of cmd.registeredArguments) arg.description = h.arguments[`${path} ${arg.name()}`] ?? arg.description;
    for (const sub of cmd.commands) visit(sub, path ? `${path} ${sub.name()}` : sub.name());
  };
  visit(program, '');
}
