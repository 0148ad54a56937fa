import { existsSync } from 'node:fs';
import { join } from 'node:path';

const SYSTEM_CONFIG = '/etc/clawsup/clawsup.json5';

export function userConfigPath(): string {
  // node:os only here: `clawctl --socket PATH status` never loads it (1.2 ms of a 20 ms clawctl on Node 24).
  return join(process.getBuiltinModule('node:os').homedir(), '.config', 'clawsup', 'clawsup.json5');
}

/** Where clawctl looks when no --config is given: $CLAWSUP_CONFIG, then the user's, then the system's. */
export function defaultConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CLAWSUP_CONFIG) return env.CLAWSUP_CONFIG;
  const userConfig = userConfigPath();
  if (existsSync(userConfig) || !existsSync(SYSTEM_CONFIG)) return userConfig;
  return SYSTEM_CONFIG;
}
