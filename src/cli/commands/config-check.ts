import type { ClawctlCommand } from '../command.js';
import { defaultConfigPath } from '../default-config-path.js';
import { parseCommandArgs } from '../parse-command-args.js';
import { ClawsupError } from '../../errors.js';

export const configCommand: ClawctlCommand = {
  name: 'config',
  summary: 'check the clawsupd config: exit 0 when valid, 78 with located errors',
  usage: 'clawctl [--config FILE] config check',
  subcommands: ['check'],
  async run(args, context) {
    const { positionals } = parseCommandArgs(args, {}, this.usage, true);
    if (positionals[0] !== 'check' || positionals.length !== 1) {
      throw new ClawsupError('CLAWSUP_ERR_USAGE', `usage: ${this.usage}`);
    }
    // zod is loaded only by the commands that validate the whole config, so that status starts fast.
    const { loadConfig } = await import('../../config/load-config.js');
    const { configPath } = loadConfig(context.configPath ?? defaultConfigPath());
    context.stdout(`${configPath}: config is valid\n`);
    return 0;
  },
};
