import type { Command } from 'commander';
import { labReportSchema } from '../model/validate.js';
import configSchema from '../config/config.schema.json' with { type: 'json' };
import { CliError } from './context.js';

export function register(program: Command): void {
  program.command('schema')
    .argument('<which>')
    .action((which: string) => {
      const schemas: Record<string, unknown> = { report: labReportSchema, config: configSchema };
      if (!(which in schemas)) throw new CliError(`unknown schema "${which}": use \`labmss schema report\` or \`labmss schema config\``);
      process.stdout.write(`${JSON.stringify(schemas[which], null, 2)}\n`);
    });
}
