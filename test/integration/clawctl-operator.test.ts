import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/commands/index.js';
import { runClawctl } from '../helpers/control.js';
import { killClawctls, startClawctl } from '../helpers/clawctl-process.js';
import { CLAWCTL, cleanupDaemons, FIXTURES, startDaemon, type Daemon } from '../helpers/daemon.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const sayOnSignal = { command: [process.execPath, join(FIXTURES, 'say-on-signal.mjs')] };
const ESCAPE = '\u001b';
const CLEAR = `${ESCAPE}[H${ESCAPE}[2J`;
const temps: Array<{ remove(): void }> = [];

afterEach(async () => {
  await killClawctls();
  await cleanupDaemons();
  for (const temp of temps.splice(0)) temp.remove();
});

async function startHealthy(config: Record<string, any> = {}): Promise<Daemon> {
  const daemon = startDaemon({ config: { gateway: sayOnSignal, ...config } });
  await daemon.waitForStatus('healthy', (s) => s.mode === 'healthy');
  return daemon;
}

const countOf = (text: string, pattern: RegExp): number => text.match(pattern)?.length ?? 0;

describe('clawctl status --watch', () => {
  it('prints the status, then a new one at each change, a blank line between when piped; Ctrl-C exits 0', async () => {
    const daemon = await startHealthy();
    const watch = startClawctl(['--config', daemon.configPath, 'status', '--watch']);
    await watch.waitForStdout('the first status', (out) => /^mode: healthy /.test(out));
    expect(await runClawctl(['--config', daemon.configPath, 'stop'])).toMatchObject({ code: 0 });
    const out = await watch.waitForStdout('mode held', (text) => /\n\nmode: held /.test(text));
    expect(out).toMatch(/\n\nmode: stopping /);
    expect(out.indexOf('mode: stopping')).toBeLessThan(out.indexOf('mode: held'));
    expect(out).not.toContain(ESCAPE);
    expect(await watch.stop('SIGINT')).toEqual({ code: 0, signal: null });
    expect(watch.stderr()).toBe('');
  });

  it('on a terminal (script -qc), clears the screen before each status and colours the mode; Ctrl-C exits 0', async () => {
    const daemon = await startHealthy();
    // clawctl's own exit code is printed by the shell: script(1) 2.38 itself sometimes lingers after its child ended.
    const command = `${process.execPath} ${CLAWCTL} --config ${daemon.configPath} status --watch; echo "clawctl exited $?"`;
    // An empty NO_COLOR is no NO_COLOR (no-color.org).
    const tty = startClawctl([], { command: 'script', argv: ['-qec', command, '/dev/null'], env: { TERM: 'xterm', NO_COLOR: '' } });
    await tty.waitForStdout('a cleared screen, then the mode in green', (out) => out.includes(`${CLEAR}mode: ${ESCAPE}[32mhealthy${ESCAPE}[0m`));
    expect(await runClawctl(['--config', daemon.configPath, 'stop'])).toMatchObject({ code: 0 });
    const out = await tty.waitForStdout('held, in yellow, on a cleared screen', (text) => text.includes(`${CLEAR}mode: ${ESCAPE}[33mheld${ESCAPE}[0m`));
    expect(out).not.toMatch(/\n\nmode: /);
    // With nothing changing, the screen is redrawn for its ages: the held view comes again.
    const heldViews = (text: string): number => text.split(`${CLEAR}mode: ${ESCAPE}[33mheld`).length - 1;
    await tty.waitForStdout('the held view redrawn', (text) => heldViews(text) >= 2, 5_000);
    // Ctrl-C reaches clawctl itself, the child of script's shell.
    const childrenOf = (pid: number): number[] => readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(' ').map(Number);
    const [shellPid] = childrenOf(tty.pid);
    const [clawctlPid] = childrenOf(shellPid as number);
    process.kill(clawctlPid as number, 'SIGINT');
    await tty.waitForStdout('clawctl exited', (text) => /clawctl exited \d+/.test(text));
    expect(tty.stdout()).toMatch(/clawctl exited 0\r?\n/);
  });

  it('with --json prints one status object a line, and says so and exits 3 when clawsupd goes', async () => {
    const daemon = await startHealthy();
    const watch = startClawctl(['--config', daemon.configPath, 'status', '--watch', '--json']);
    await watch.waitForStdout('the first status', (out) => out.includes('\n'));
    await daemon.stop();
    expect(await watch.exited).toEqual({ code: 3, signal: null });
    const statuses = watch.stdout().trim().split('\n').map((line) => JSON.parse(line));
    expect(statuses[0]).toMatchObject({ mode: 'healthy', daemon: { pid: daemon.pid } });
    expect(statuses.map((status) => status.mode)).toContain('stopping');
    expect(watch.stderr()).toMatch(/^clawctl: .*(ended the subscription|closed)/);
  });

  it('exits 3 at once when no daemon answers, saying where it looked', async () => {
    const temp = makeTempDir();
    temps.push(temp);
    const watch = startClawctl(['status', '--watch'], { env: { CLAWSUP_CONFIG: '', HOME: temp.path } });
    expect(await watch.exited).toEqual({ code: 3, signal: null });
    expect(watch.stderr()).toContain(`clawctl: clawctl looked for clawsupd at ${join(temp.path, '.clawsup', 'clawsupd.sock')} (the built-in default`);
    expect(watch.stderr()).toContain('--config FILE');
  });
});

describe('clawctl logs -f', () => {
  it('prints the tail, then each new gateway line as it comes; Ctrl-C exits 0', async () => {
    const daemon = await startHealthy();
    const follow = startClawctl(['--config', daemon.configPath, 'logs', '-f']);
    await follow.waitForStdout('the ready line', (out) => /^ready \d+$/m.test(out));
    const gatewayPid = daemon.status()?.gateway.pid as number;
    process.kill(gatewayPid, 'SIGUSR1');
    await follow.waitForStdout('said 1', (out) => out.includes('said 1\n'));
    process.kill(gatewayPid, 'SIGUSR1');
    const out = await follow.waitForStdout('said 2', (text) => text.includes('said 2\n'));
    expect(countOf(out, /^said 1$/gm)).toBe(1);
    expect(await follow.stop('SIGINT')).toEqual({ code: 0, signal: null });
  });

  it('ends quietly with 0 when its reader goes away (logs -f | head)', async () => {
    const daemon = await startHealthy();
    const follow = startClawctl(['--config', daemon.configPath, 'logs', '-f']);
    await follow.waitForStdout('the ready line', (out) => /^ready \d+$/m.test(out));
    follow.child.stdout?.destroy();
    const gatewayPid = daemon.status()?.gateway.pid as number;
    // Lines keep coming until one finds the pipe closed.
    const saying = setInterval(() => process.kill(gatewayPid, 'SIGUSR1'), 50);
    try {
      expect(await follow.exited).toEqual({ code: 0, signal: null });
    } finally {
      clearInterval(saying);
    }
    expect(follow.stderr()).toBe('');
  });

  it('plain logs too ends quietly with 0 when its reader closed the pipe first', async () => {
    const daemon = await startHealthy();
    const logs = startClawctl(['--config', daemon.configPath, 'logs']);
    logs.child.stdout?.destroy();
    expect(await logs.exited).toEqual({ code: 0, signal: null });
    expect(logs.stderr()).toBe('');
  });

  it('refuses a bad -n before connecting', async () => {
    expect(await runClawctl(['--socket', '/nonexistent.sock', 'logs', '-f', '-n', '0'])).toMatchObject({ code: 64, stderr: expect.stringContaining('-n must be') });
  });
});

describe('colour', () => {
  it('colours no word when piped, or on a terminal with NO_COLOR set', async () => {
    const daemon = await startHealthy();
    const piped = await runClawctl(['--config', daemon.configPath, 'status']);
    expect(piped).toMatchObject({ code: 0, stdout: expect.stringMatching(/^mode: healthy /) });
    expect(piped.stdout).not.toContain(ESCAPE);
    const noColour = spawnSync('script', ['-qec', `${process.execPath} ${CLAWCTL} --config ${daemon.configPath} status`, '/dev/null'], { env: { ...process.env, NO_COLOR: '1', TERM: 'xterm' }, encoding: 'utf8', timeout: 15_000 });
    expect(noColour.stdout).toMatch(/mode: healthy /);
    expect(noColour.stdout).not.toContain(ESCAPE);
  });

  it('colours the mode on a terminal (a pseudo-terminal from script -qc)', async () => {
    const daemon = await startHealthy();
    const env: NodeJS.ProcessEnv = { ...process.env, TERM: 'xterm' };
    delete env.NO_COLOR;
    const tty = spawnSync('script', ['-qec', `${process.execPath} ${CLAWCTL} --config ${daemon.configPath} status`, '/dev/null'], { env, encoding: 'utf8', timeout: 15_000 });
    expect(tty.status).toBe(0);
    expect(tty.stdout).toContain(`mode: ${ESCAPE}[32mhealthy${ESCAPE}[0m since`);
  });
});

describe('clawctl completion', () => {
  it.each(['bash', 'zsh'])('prints a %s script naming every command of the registry', async (shell) => {
    const result = await runClawctl(['completion', shell]);
    expect(result.code).toBe(0);
    for (const { name } of COMMANDS) expect(result.stdout).toContain(`${name})`);
    expect(result.stdout).toContain('help)');
    expect(result.stdout).toMatch(/--watch/);
    expect(result.stdout).toMatch(/forget/);
  });

  it('prints a bash script bash -n accepts, which completes commands, a command\'s options and subcommands', async () => {
    const temp = makeTempDir();
    temps.push(temp);
    const script = join(temp.path, 'clawctl.bash');
    writeFileSync(script, (await runClawctl(['completion', 'bash'])).stdout);
    expect(spawnSync('bash', ['-n', script], { encoding: 'utf8' })).toMatchObject({ status: 0, stderr: '' });
    const complete = (words: string[]): string[] => {
      const line = `source ${script}; COMP_WORDS=(${words.map((word) => `'${word}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _clawctl; printf '%s\\n' "\${COMPREPLY[@]}"`;
      return spawnSync('bash', ['-c', line], { encoding: 'utf8' }).stdout.trim().split('\n');
    };
    expect(complete(['clawctl', 'st'])).toEqual(['status', 'stop', 'start']);
    expect(complete(['clawctl', '--config', 'x.json5', 'status', '--w'])).toEqual(['--watch']);
    expect(complete(['clawctl', 'skill', 'f'])).toEqual(['forget']);
    expect(complete(['clawctl', 'help', 'exit'])).toEqual(['exit-codes']);
  });

  it('refuses another shell with a usage error', async () => {
    expect(await runClawctl(['completion', 'fish'])).toMatchObject({ code: 64, stderr: 'clawctl: usage: clawctl completion bash|zsh\n' });
  });
});

describe('clawctl help TOPIC', () => {
  it.each(COMMANDS.map((entry) => entry.name))('shows the usage of %s', async (name) => {
    const result = await runClawctl(['help', name]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^Usage: clawctl .*${name}`));
  });

  it.each([
    ['exit-codes', /CLAWSUP_ERR_NO_DAEMON +no clawsupd answered/],
    ['exit-codes', /^ {2}3 {2}no daemon answered/m],
    ['status', /^diagnose +2 +restarting stopped/m],
    ['config', /^control\.maxClients +32$/m],
    ['config', /CLAWSUP_CONFIG/],
  ])('help %s says %s', async (topic, pattern) => {
    const result = await runClawctl(['help', topic]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(pattern);
  });

  it('clawctl --help lists every command of the registry, the summaries in one column, and names help TOPIC', async () => {
    const result = await runClawctl(['--help']);
    const columns = COMMANDS.map(({ name }) => {
      const line = result.stdout.split('\n').find((candidate) => candidate.startsWith(`  ${name} `)) ?? '';
      return line.length - line.slice(2 + name.length).trimStart().length;
    });
    expect(new Set(columns).size, result.stdout).toBe(1);
    expect(result.stdout).toContain('clawctl help COMMAND');
  });

  it('refuses an unknown topic, listing the topics', async () => {
    const result = await runClawctl(['help', 'weather']);
    expect(result.code).toBe(64);
    expect(result.stderr).toMatch(/^clawctl: no help topic "weather" \(topics: status, .*completion, exit-codes\)\n$/);
  });
});

describe('clawctl skill forget', () => {
  it('through the daemon: the file goes, the skill leaves status.json; a configured one stays as never run', async () => {
    const daemon = await startHealthy({ skills: { nightly: { maxAgeMs: 600_000 } } });
    for (const name of ['nightly', 'adhoc']) {
      expect(await runClawctl(['--config', daemon.configPath, 'skill', 'report', name, '--status', 'success'])).toMatchObject({ code: 0 });
    }
    await daemon.waitForStatus('both skills ok', (s) => s.skills?.adhoc?.state === 'ok' && s.skills?.nightly?.state === 'ok');
    const adhoc = await runClawctl(['--config', daemon.configPath, 'skill', 'forget', 'adhoc']);
    expect(adhoc).toEqual({ code: 0, stdout: 'skill adhoc forgotten: its status file is removed; it leaves status.json\n', stderr: '' });
    expect(existsSync(join(daemon.statusDir, 'skills', 'adhoc.json'))).toBe(false);
    await daemon.waitForStatus('adhoc gone', (s) => s.skills !== undefined && !('adhoc' in s.skills));
    const nightly = await runClawctl(['--config', daemon.configPath, 'skill', 'forget', 'nightly']);
    expect(nightly.stdout).toBe('skill nightly forgotten: its status file is removed; it stays in status.json as never run, since the config names it (remove it from skills in the config to drop it)\n');
    await daemon.waitForStatus('nightly never run', (s) => s.skills?.nightly?.state === 'unknown' && s.skills.nightly.lastSuccessAt === null);
    expect(daemon.logs().some((r) => r.msg === 'operator request' && r.method === 'skill-forget')).toBe(true);
    const again = await runClawctl(['--config', daemon.configPath, 'skill', 'forget', 'adhoc']);
    expect(again.stdout).toBe('skill adhoc forgotten: it had no status file; it leaves status.json\n');
  });

  it('with no daemon, removes the file itself', async () => {
    const temp = makeTempDir();
    temps.push(temp);
    const statusDir = join(temp.path, 'status');
    const configPath = join(temp.path, 'c.json5');
    writeFileSync(configPath, JSON.stringify({ gateway: sayOnSignal, status: { dir: statusDir }, control: { socket: join(temp.path, 'none.sock') } }));
    expect(await runClawctl(['--config', configPath, 'skill', 'report', 'adhoc', '--status', 'failure'])).toMatchObject({ code: 0 });
    expect(existsSync(join(statusDir, 'skills', 'adhoc.json'))).toBe(true);
    expect(await runClawctl(['--config', configPath, 'skill', 'forget', 'adhoc'])).toMatchObject({ code: 0, stdout: expect.stringContaining('its status file is removed') });
    expect(existsSync(join(statusDir, 'skills', 'adhoc.json'))).toBe(false);
  });

  it('refuses a world-writable skills folder with no daemon, and a bad name before anything', async () => {
    const temp = makeTempDir();
    temps.push(temp);
    const statusDir = join(temp.path, 'status');
    mkdirSync(join(statusDir, 'skills'), { recursive: true });
    chmodSync(join(statusDir, 'skills'), 0o777);
    writeFileSync(join(statusDir, 'skills', 'adhoc.json'), '{}');
    const configPath = join(temp.path, 'c.json5');
    writeFileSync(configPath, JSON.stringify({ gateway: sayOnSignal, status: { dir: statusDir }, control: { socket: join(temp.path, 'none.sock') } }));
    const refused = await runClawctl(['--config', configPath, 'skill', 'forget', 'adhoc']);
    expect(refused).toMatchObject({ code: 73, stderr: expect.stringMatching(/the skills folder is world-writable without the sticky bit/) });
    expect(existsSync(join(statusDir, 'skills', 'adhoc.json'))).toBe(true);
    expect(await runClawctl(['--config', configPath, 'skill', 'forget', '../x'])).toMatchObject({ code: 65 });
  });
});

describe('clawctl status with no daemon at the default place', () => {
  it('says where it looked and how to name another config, the demo included when run from a checkout', async () => {
    const temp = makeTempDir();
    temps.push(temp);
    mkdirSync(join(temp.path, 'packaging', 'config'), { recursive: true });
    writeFileSync(join(temp.path, 'packaging', 'config', 'demo.json5'), '{}');
    const result = spawnSync(process.execPath, [CLAWCTL, 'status'], { cwd: temp.path, env: { ...process.env, HOME: temp.path, CLAWSUP_CONFIG: '' }, encoding: 'utf8', timeout: 15_000 });
    expect(result.status).toBe(3);
    expect(result.stderr).toContain(`clawctl: clawctl looked for clawsupd at ${join(temp.path, '.clawsup', 'clawsupd.sock')} (the built-in default (no config at ${join(temp.path, '.config')}`);
    expect(result.stderr).toContain('clawctl: the demo (npm start): clawctl --config packaging/config/demo.json5 status');
  });
});
