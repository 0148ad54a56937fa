import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ClawsupError } from '../errors.js';

/** node:util parseArgs, with its complaints turned into one usage line. */
export function parseCommandArgs<T extends ParseArgsConfig['options']>(args: string[], options: T, usage: string, allowPositionals = false) {
  // No arguments, nothing to refuse: `clawctl status` skips loading parseArgs (about 1 ms of its start).
  if (args.length === 0) {
    const entries = Object.entries(options ?? {}) as Array<[string, { default?: unknown }]>;
    const defaults = entries.flatMap(([name, option]) => (option.default === undefined ? [] : [[name, option.default]]));
    return { values: Object.fromEntries(defaults), positionals: [] } as ReturnType<typeof parseArgs<{ args: string[]; options: T; strict: true; allowPositionals: boolean }>>;
  }
  try {
    return parseArgs({ args, options, strict: true, allowPositionals });
  } catch (error) {
    throw new ClawsupError('CLAWSUP_ERR_USAGE', `${(error as Error).message} (usage: ${usage})`);
  }
}
