import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runClawctl } from '../helpers/control.js';
import { FIXTURES } from '../helpers/daemon.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const COMMANDS = ['status', 'restart', 'resume', 'stop', 'start', 'diagnose', 'logs', 'config', 'skill'];

describe('clawctl arguments', () => {
  it('lists every command in --help', async () => {
    const help = await runClawctl(['--help']);
    expect(help.code).toBe(0);
    for (const command of COMMANDS) expect(help.stdout).toMatch(new RegExp(`\\n  ${command} +\\S`));
  });

  it.each(COMMANDS)('%s --help prints its usage and exits 0 without touching a daemon', async (command) => {
    const result = await runClawctl(['--socket', '/nonexistent/x.sock', command, '--help']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(new RegExp(`^Usage: clawctl .*${command}`));
  });

  it.each([
    [['bogus'], 64, /unknown command "bogus"/],
    [['status', '--jsn'], 64, /Unknown option '--jsn'/],
    [['logs', '-n', '0'], 64, /-n must be a whole number from 1 to 10000, found "0"/],
    [['skill', 'run', 'x'], 64, /usage: clawctl .*skill run NAME/],
    [['skill', 'run', 'x', '--timeout', 'soon', '--', 'true'], 64, /--timeout must be a positive number of seconds, found "soon"/],
    [['skill', 'report', 'x', '--status', 'maybe'], 64, /--status must be success or failure, found "maybe"/],
    [['skill', 'dance'], 64, /usage: clawctl/],
    [['--config'], 64, /--config needs a value/],
  ])('refuses %j with exit %i and one line', async (args, code, message) => {
    const result = await runClawctl(['--socket', '/nonexistent/x.sock', ...args]);
    expect(result.code).toBe(code);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(message);
  });

  it('runs from the bundle npm links, and a command imported from dist/ still gets its own exit code for a user error', async () => {
    const temp = makeTempDir();
    try {
      const config = join(temp.path, 'c.json5');
      writeFileSync(config, '{ bogus: 1 }');
      const result = await runClawctl(['--config', config, 'config', 'check']);
      expect(result.code).toBe(78);
      expect(result.stderr).toContain(`${config}:1:3: bogus: unknown key`);
      expect(result.stderr).not.toContain('internal error');
    } finally {
      temp.remove();
    }
  });

  it('loads no node:os on the status path when no path needs the home folder', async () => {
    const temp = makeTempDir();
    try {
      const builtinsPath = join(temp.path, 'builtins.txt');
      const result = await runClawctl(['--socket', join(temp.path, 'none.sock'), 'status'], {
        env: { NODE_OPTIONS: `--require ${join(FIXTURES, 'record-builtins-at-exit.cjs')}`, RECORD_BUILTINS_TO: builtinsPath },
      });
      expect(result.code).toBe(3);
      const builtins = readFileSync(builtinsPath, 'utf8').split('\n');
      expect(builtins).toContain('net');
      expect(builtins).not.toContain('os');
    } finally {
      temp.remove();
    }
  });

  it('passes --help after -- to the skill command, not to clawctl', async () => {
    const temp = makeTempDir();
    try {
      const config = join(temp.path, 'c.json5');
      writeFileSync(config, "{ gateway: { command: ['x'] }, status: { dir: './s' }, control: { socket: './c.sock' } }");
      const result = await runClawctl(['--config', config, 'skill', 'run', 'echoer', '--', process.execPath, '-e', 'console.log(process.argv.slice(1).join(" "))', '--', '--help']);
      expect(result).toMatchObject({ code: 0, stdout: '--help\n' });
    } finally {
      temp.remove();
    }
  });
});
