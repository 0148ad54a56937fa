import { parseArgs } from 'node:util';
import { loadConfig } from '../../config/load-config.js';
import { ClawsupError } from '../../errors.js';
import type { ClawctlCommand } from '../command.js';
import { defaultConfigPath } from '../default-config-path.js';

export const configCommand: ClawctlCommand = {
  name: 'config',
  summary: 'check the clawsupd config: exit 0 when valid, 78 with located errors',
  usage: 'clawctl [--config FILE] config check',
  async run(args, context) {
    const { positionals } = parseArgs({ args, allowPositionals: true, strict: true, options: {} });
    if (positionals[0] !== 'check' || positionals.length !== 1) {
      throw new ClawsupError('CLAWSUP_ERR_USAGE', `usage: ${this.usage}`);
    }
    const { configPath } = loadConfig(context.configPath ?? defaultConfigPath());
    context.stdout(`${configPath}: config is valid\n`);
    return 0;
  },
};
