import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { signalProcessGroup } from '../gateway/process-identity.js';
import type { SkillCommandEnd } from './skill-outcome.js';

// After the timeout's SIGTERM, the group gets this long before SIGKILL.
const KILL_GRACE_MS = 5_000;
const FORWARDED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Runs a skill command in its own process group with the terminal passed through. A timeout ends the whole
 * group (SIGTERM, then SIGKILL); signals sent to clawctl are passed on to the group.
 */
export function runSkillCommand(argv: readonly string[], timeoutMs: number | null): Promise<SkillCommandEnd> {
  const [command = '', ...args] = argv;
  return new Promise((resolve) => {
    const end = (facts: Partial<SkillCommandEnd>): void => {
      for (const signal of FORWARDED_SIGNALS) process.off(signal, forward);
      clearTimeout(timeoutTimer);
      clearTimeout(killTimer);
      resolve({ command, exitCode: null, signal: null, signalNumber: null, isTimedOut, timeoutMs, spawnErrorCode: null, ...facts });
    };
    const child = spawn(command, args, { stdio: 'inherit', detached: true });
    let isTimedOut = false;
    let killTimer: NodeJS.Timeout | undefined;
    const signalGroup = (signal: NodeJS.Signals): void => {
      if (child.pid !== undefined) signalProcessGroup(child.pid, signal);
    };
    const forward = (signal: NodeJS.Signals): void => signalGroup(signal);
    for (const signal of FORWARDED_SIGNALS) process.on(signal, forward);
    const timeoutTimer =
      timeoutMs === null
        ? undefined
        : setTimeout(() => {
            isTimedOut = true;
            signalGroup('SIGTERM');
            killTimer = setTimeout(() => signalGroup('SIGKILL'), KILL_GRACE_MS);
          }, timeoutMs);
    child.once('error', (error: NodeJS.ErrnoException) => end({ spawnErrorCode: error.code ?? 'EUNKNOWN' }));
    child.once('exit', (exitCode, signal) => {
      // What the command left behind in its group goes with it on a timeout.
      if (isTimedOut) signalGroup('SIGKILL');
      end({ exitCode, signal, signalNumber: signal === null ? null : (constants.signals[signal] ?? null) });
    });
  });
}
