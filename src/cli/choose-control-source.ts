/** What clawctl can see, without flags, when it looks for the daemon. */
export interface ControlSourceFacts {
  /** $CLAWSUP_CONFIG: a config named on purpose, read even if that fails loudly. */
  envConfig: string | undefined;
  userConfig: string;
  hasUserConfig: boolean;
  systemConfig: string;
  /** Root can; a member of control.group usually cannot (the config is 0640 root:run-as group). */
  canReadSystemConfig: boolean;
  hasSystemSocket: boolean;
}

export type ControlSource = { type: 'config'; path: string } | { type: 'system-defaults' } | { type: 'user-defaults'; configPath: string };

/** $CLAWSUP_CONFIG, the user's config, a readable system config; with none of them the built-in system socket, then the user's. */
export function chooseControlSource(facts: ControlSourceFacts): ControlSource {
  if (facts.envConfig !== undefined && facts.envConfig !== '') return { type: 'config', path: facts.envConfig };
  if (facts.hasUserConfig) return { type: 'config', path: facts.userConfig };
  if (facts.canReadSystemConfig) return { type: 'config', path: facts.systemConfig };
  if (facts.hasSystemSocket) return { type: 'system-defaults' };
  return { type: 'user-defaults', configPath: facts.userConfig };
}
