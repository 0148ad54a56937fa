import { ClawsupError } from '../../errors.js';
import type { ClawctlContext } from '../command.js';
import { parseCommandArgs } from '../parse-command-args.js';
import { recordSkill, startSkillRecord, truncateMessage } from '../../skills/skill-recording.js';
import { resolveSkillTarget } from '../skill-target.js';

const USAGE = 'clawctl [--config FILE] skill report NAME --status success|failure [--message TEXT]';

/** `clawctl skill report`: for a skill that runs inside the gateway and only says how it went. */
export async function reportSkill(args: string[], context: ClawctlContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { status: { type: 'string' }, message: { type: 'string' } }, USAGE, true);
  if (positionals.length !== 1) throw new ClawsupError('CLAWSUP_ERR_USAGE', `usage: ${USAGE}`);
  const status = values.status;
  if (status !== 'success' && status !== 'failure') {
    throw new ClawsupError('CLAWSUP_ERR_USAGE', `--status must be success or failure, found ${status === undefined ? 'nothing' : `"${status}"`}`);
  }
  const target = resolveSkillTarget(positionals[0] ?? '', context);
  const now = new Date().toISOString();
  const record = startSkillRecord(target, { status, startedAt: now, finishedAt: now, message: truncateMessage(values.message ?? null) });
  if (status === 'success') record.lastSuccessAt = now;
  const { writeError } = await recordSkill(target, record);
  if (writeError) context.stderr(`clawctl: ${writeError.message} (clawsupd wrote it instead)\n`);
  context.stdout(`skill ${target.name}: ${status} recorded\n`);
  return 0;
}
