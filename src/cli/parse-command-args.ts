import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ClawsupError } from '../errors.js';

/** node:util parseArgs, with its complaints turned into one usage line. */
export function parseCommandArgs<T extends ParseArgsConfig['options']>(args: string[], options: T, usage: string, allowPositionals = false) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals });
  } catch (error) {
    throw new ClawsupError('CLAWSUP_ERR_USAGE', `${(error as Error).message} (usage: ${usage})`);
  }
}
