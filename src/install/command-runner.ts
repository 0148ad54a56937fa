import { execFile } from 'node:child_process';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs one program to completion (30 s unless `timeoutMs` says otherwise); swapped for a recorder in tests. */
export type CommandRunner = (argv: readonly string[], timeoutMs?: number) => Promise<CommandResult>;

const COMMAND_TIMEOUT_MS = 30_000;
// What timeout(1) exits with: the command did not fail, it was stopped.
const TIMED_OUT_CODE = 124;

export const runCommand: CommandRunner = (argv, timeoutMs = COMMAND_TIMEOUT_MS) =>
  new Promise((resolve) => {
    const [program = '', ...args] = argv;
    execFile(program, args, { timeout: timeoutMs }, (error, stdout, stderr) => {
      if (error !== null && error.killed === true && typeof error.code !== 'number') {
        const said = stderr.trim() === '' ? '' : `; it said: ${stderr.trim()}`;
        resolve({ code: TIMED_OUT_CODE, stdout, stderr: `${argv.join(' ')} did not finish within ${timeoutMs / 1000} s and was stopped${said}` });
        return;
      }
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 127;
      resolve({ code, stdout, stderr: stderr || (error?.message ?? '') });
    });
  });
