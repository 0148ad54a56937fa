import { ClawsupError } from '../../errors.js';
import type { ClawctlContext } from '../command.js';
import { parseCommandArgs } from '../parse-command-args.js';
import { forgetSkill } from '../../skills/skill-removal.js';
import { resolveSkillTarget } from '../skill-target.js';

const USAGE = 'clawctl [--config FILE] skill forget NAME';

/** `clawctl skill forget`: removes the skill's status file, so it leaves status.json (a configured one stays, as never run). */
export async function forgetSkillCommand(args: string[], context: ClawctlContext): Promise<number> {
  const { positionals } = parseCommandArgs(args, {}, USAGE, true);
  if (positionals.length !== 1) throw new ClawsupError('CLAWSUP_ERR_USAGE', `usage: ${USAGE}`);
  const target = resolveSkillTarget(positionals[0] ?? '', context);
  const result = await forgetSkill(target);
  const what = result.wasRecorded ? 'its status file is removed' : 'it had no status file';
  const after = result.isConfigured
    ? 'it stays in status.json as never run, since the config names it (remove it from skills in the config to drop it)'
    : 'it leaves status.json';
  context.stdout(`skill ${result.name} forgotten: ${what}; ${after}\n`);
  return 0;
}
