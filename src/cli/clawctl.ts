#!/usr/bin/env node
import { describeError } from '../describe-error.js';
import { ClawsupError, isClawsupError } from '../errors.js';
import type { ClawctlContext } from './command.js';
import { COMMANDS } from './commands/index.js';
import { readTerminalFacts } from './colour.js';
import { escapeControlCharacters } from './terminal-text.js';

async function usage(): Promise<string> {
  const commands = await Promise.all(COMMANDS.map((entry) => entry.load()));
  const width = Math.max(...commands.map((command) => command.name.length)) + 1;
  const lines = commands.map((command) => `  ${command.name.padEnd(width)} ${command.summary}`);
  return `Usage: clawctl [--config FILE | --socket PATH] COMMAND [ARGS]\n\nCommands:\n${lines.join('\n')}\n\nclawctl help COMMAND (or COMMAND --help) tells more; clawctl help exit-codes, config, status explain those.`;
}

interface GlobalOptions {
  configPath: string | undefined;
  socketPath: string | undefined;
  rest: string[];
}

/** Global options come before the command; everything after it belongs to the command. */
function parseGlobalOptions(argv: string[]): GlobalOptions {
  const options: GlobalOptions = { configPath: undefined, socketPath: undefined, rest: [] };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (flag === '--config' || flag === '--socket' || flag === '-c') {
      const value = inline ?? argv[(i += 1)];
      if (!value) throw new ClawsupError('CLAWSUP_ERR_USAGE', `${flag} needs a value`);
      if (flag === '--socket') options.socketPath = value;
      else options.configPath = value;
      continue;
    }
    options.rest = argv.slice(i);
    break;
  }
  return options;
}

async function main(argv: string[]): Promise<number> {
  const { configPath, socketPath, rest } = parseGlobalOptions(argv);
  const [name, ...args] = rest;
  if (name === 'help' && args.length > 0) {
    if (args.length > 1) throw new ClawsupError('CLAWSUP_ERR_USAGE', 'usage: clawctl help [TOPIC]');
    process.stdout.write(await (await import('./help.js')).renderHelpTopic(args[0] ?? ''));
    return 0;
  }
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${await usage()}\n`);
    return name === undefined ? 64 : 0;
  }
  if (name === '--version') {
    process.stdout.write(`${(await import('../version.js')).CLAWSUP_VERSION}\n`);
    return 0;
  }
  const entry = COMMANDS.find((candidate) => candidate.name === name);
  if (!entry) throw new ClawsupError('CLAWSUP_ERR_USAGE', `unknown command "${name}" (clawctl --help lists them)`);
  const command = await entry.load();
  // After `--` the arguments are a skill command's own (`skill run x -- tool --help`).
  const ownArgs = args.includes('--') ? args.slice(0, args.indexOf('--')) : args;
  if (ownArgs.includes('--help') || ownArgs.includes('-h')) {
    process.stdout.write(`Usage: ${command.usage}\n\n${command.summary}\n`);
    return 0;
  }
  const context: ClawctlContext = {
    configPath,
    socketPath,
    // Whatever a command prints may carry an agent's words: no control character reaches the terminal raw.
    // `paint` sees the escaped text only, so the only escape codes that reach the terminal are clawctl's own.
    stdout: (text, paint) => process.stdout.write(paint ? paint(escapeControlCharacters(text)) : escapeControlCharacters(text)),
    stderr: (text) => process.stderr.write(escapeControlCharacters(text)),
    terminal: readTerminalFacts(process.stdout.isTTY === true, process.env),
  };
  return command.run(args, context);
}

// `clawctl logs | head`: a reader that closed the pipe early is no error of clawctl's, and gets no stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (isClawsupError(error)) {
      process.stderr.write(escapeControlCharacters(`clawctl: ${error.message}\n`));
      process.exitCode = error.exitCode;
      return;
    }
    if (error instanceof TypeError && (error as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(escapeControlCharacters(`clawctl: ${error.message}\n`));
      process.exitCode = 64;
      return;
    }
    process.stderr.write(escapeControlCharacters(`clawctl: internal error: ${JSON.stringify(describeError(error))}\n`));
    process.exitCode = 70;
  },
);
