import { runSkillCommand } from '../../skills/skill-process.js';
import { describeSkillEnd } from '../../skills/skill-outcome.js';
import { assertSkillName } from '../../skills/skill-files.js';
import { ClawsupError, isClawsupError } from '../../errors.js';
import type { ClawctlContext } from '../command.js';
import { parseCommandArgs } from '../parse-command-args.js';
import { recordSkill, startSkillRecord, type SkillTarget } from '../../skills/skill-recording.js';
import { resolveSkillTarget } from '../skill-target.js';

const USAGE = 'clawctl [--config FILE] skill run NAME [--timeout S] -- CMD ARGS...';
const MS_PER_S = 1_000;

/** `clawctl skill run`: records running, runs the command with its output passed through, records the outcome, exits with the command's code. */
export async function runSkill(args: string[], context: ClawctlContext): Promise<number> {
  const separator = args.indexOf('--');
  const argv = separator === -1 ? [] : args.slice(separator + 1);
  const { values, positionals } = parseCommandArgs(separator === -1 ? args : args.slice(0, separator), { timeout: { type: 'string' } }, USAGE, true);
  if (positionals.length !== 1 || argv.length === 0) throw new ClawsupError('CLAWSUP_ERR_USAGE', `usage: ${USAGE}`);
  const timeoutMs = values.timeout === undefined ? null : parseTimeoutMs(values.timeout);
  const name = positionals[0] ?? '';
  assertSkillName(name);
  const target = resolveTargetOrWarn(name, context);

  const startedAtMs = Date.now();
  const running = target && startSkillRecord(target, { status: 'running', startedAt: new Date(startedAtMs).toISOString() });
  if (target && running) await recordQuietly(() => recordSkill(target, running), context);

  const end = await runSkillCommand(argv, timeoutMs);
  const outcome = describeSkillEnd(end);
  const finishedAtMs = Date.now();
  const finishedAt = new Date(finishedAtMs).toISOString();
  if (target && running) {
    await recordQuietly(
      () =>
        recordSkill(target, {
          ...running,
          status: outcome.status,
          finishedAt,
          durationMs: finishedAtMs - startedAtMs,
          exitCode: outcome.exitCode,
          message: outcome.message,
          lastSuccessAt: outcome.status === 'success' ? finishedAt : running.lastSuccessAt,
        }),
      context,
    );
  }
  if (outcome.status !== 'success') context.stderr(`clawctl: skill ${name}: ${outcome.message ?? outcome.status}\n`);
  return outcome.exitCode;
}

/** A broken clawsupd config must not stop a skill: it runs unrecorded, and says so. */
function resolveTargetOrWarn(name: string, context: ClawctlContext): SkillTarget | null {
  try {
    return resolveSkillTarget(name, context);
  } catch (error) {
    if (!isClawsupError(error) || !error.code.startsWith('CLAWSUP_ERR_CONFIG')) throw error;
    context.stderr(`clawctl: ${error.message.split('\n')[0]} (skill ${name} runs, but is not recorded)\n`);
    return null;
  }
}

/** A skill runs even when its record cannot be written: the exit code stays the command's. */
async function recordQuietly(record: () => Promise<unknown>, context: ClawctlContext): Promise<void> {
  try {
    await record();
  } catch (error) {
    context.stderr(`clawctl: ${(error as Error).message}\n`);
  }
}

function parseTimeoutMs(text: string): number {
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new ClawsupError('CLAWSUP_ERR_USAGE', `--timeout must be a positive number of seconds, found "${text}"`);
  }
  return Math.round(seconds * MS_PER_S);
}
