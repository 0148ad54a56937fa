/** How a skill command ended, in flat facts (as execa describes a child's end). */
export interface SkillCommandEnd {
  command: string;
  exitCode: number | null;
  signal: string | null;
  /** The signal's number, for the shell's 128+N convention. */
  signalNumber: number | null;
  isTimedOut: boolean;
  timeoutMs: number | null;
  /** The spawn error's code (ENOENT, EACCES...) when the command never ran. */
  spawnErrorCode: string | null;
}

export interface SkillOutcome {
  status: 'success' | 'failure' | 'timeout';
  /** clawctl's own exit code: the command's, or the shell's convention when it has none. */
  exitCode: number;
  message: string | null;
}

/** Like timeout(1). */
export const TIMEOUT_EXIT_CODE = 124;
/** Like a shell: found but not runnable, and not found. */
export const CANNOT_EXECUTE_EXIT_CODE = 126;
export const NOT_FOUND_EXIT_CODE = 127;
const SIGNAL_EXIT_BASE = 128;

export function describeSkillEnd(end: SkillCommandEnd): SkillOutcome {
  if (end.spawnErrorCode !== null) {
    const isMissing = end.spawnErrorCode === 'ENOENT';
    return {
      status: 'failure',
      exitCode: isMissing ? NOT_FOUND_EXIT_CODE : CANNOT_EXECUTE_EXIT_CODE,
      message: isMissing ? `command not found: ${end.command}` : `cannot run ${end.command}: ${end.spawnErrorCode}`,
    };
  }
  if (end.isTimedOut) {
    return { status: 'timeout', exitCode: TIMEOUT_EXIT_CODE, message: `timed out after ${end.timeoutMs ?? 0} ms: process group killed` };
  }
  if (end.signal !== null) {
    return { status: 'failure', exitCode: SIGNAL_EXIT_BASE + (end.signalNumber ?? 0), message: `killed by ${end.signal}` };
  }
  const exitCode = end.exitCode ?? 1;
  return exitCode === 0 ? { status: 'success', exitCode, message: null } : { status: 'failure', exitCode, message: `exited with code ${exitCode}` };
}
