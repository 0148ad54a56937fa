import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

const SYSTEM_CONFIG = '/etc/clawsup/clawsup.json5';

export function userConfigPath(): string {
  return join(homedir(), '.config', 'clawsup', 'clawsup.json5');
}

/** Where clawctl looks when no --config is given: $CLAWSUP_CONFIG, then the user's, then the system's. */
export function defaultConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CLAWSUP_CONFIG) return env.CLAWSUP_CONFIG;
  const userConfig = userConfigPath();
  if (existsSync(userConfig) || !existsSync(SYSTEM_CONFIG)) return userConfig;
  return SYSTEM_CONFIG;
}
