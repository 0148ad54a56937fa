import { assertSkillName } from '../skills/skill-files.js';
import { loadConfig } from '../config/load-config.js';
import type { ClawctlContext } from './command.js';
import { defaultConfigPath } from './default-config-path.js';
import type { SkillTarget } from '../skills/skill-recording.js';

/** The name is checked before anything else is read, so a hostile name never reaches a path. */
export function resolveSkillTarget(name: string, context: ClawctlContext): SkillTarget {
  assertSkillName(name);
  const { config } = loadConfig(context.configPath ?? defaultConfigPath());
  return { name, config, socketPath: context.socketPath ?? config.control.socket };
}
