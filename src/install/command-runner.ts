import { execFile } from 'node:child_process';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs one program to completion; swapped for a recorder in tests. */
export type CommandRunner = (argv: readonly string[]) => Promise<CommandResult>;

const COMMAND_TIMEOUT_MS = 30_000;

export const runCommand: CommandRunner = (argv) =>
  new Promise((resolve) => {
    const [program = '', ...args] = argv;
    execFile(program, args, { timeout: COMMAND_TIMEOUT_MS }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 127;
      resolve({ code, stdout, stderr: stderr || (error?.message ?? '') });
    });
  });
