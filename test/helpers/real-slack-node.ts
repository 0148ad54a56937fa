/**
 * One node for the opt-in real-Slack suite: a private network, mount and pid namespace (unshare) in which the fake
 * Slack listens on 127.0.0.1:443 and 127.0.0.2/3 under Slack's host names (a hosts file bind-mounted over
 * /etc/hosts, inside only), and clawsupd supervises the real gateway with the real @openclaw/slack. The test talks
 * to clawsupd through its control socket and status.json, and to the fake through its control socket: both files
 * in a temp dir, which the namespace shares. Ending the namespace's init ends every process in it.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connectFakeSlack, type FakeSlackControl } from '../fake-slack/control.js';
import type { FakeSlackSettings } from '../fake-slack/fake-slack.js';
import { CLAWCTL, CLAWSUPD, REPO_ROOT, type LogRecord } from './daemon.js';
import { makeFakeSlackTls } from './fake-slack-tls.js';
import { makeTempDir, removeLiveDir } from './temp-dir.js';
import { waitFor } from './wait-for.js';
import { withoutTestRunner } from './openclaw-test-mode.js';

export const APP_TOKEN = 'xapp-1-A0FAKEAPP1-1-0123456789abcdef';
export const BOT_TOKEN = 'xoxb-1-0123456789-fakebottoken';
const GATEWAY_PORT = 18789;
const HOSTS = ['127.0.0.1 localhost', '127.0.0.2 slack.com api.slack.com fake-workspace.slack.com', '127.0.0.3 wss-primary.slack.com wss-backup.slack.com', ''].join('\n');

export interface SlackNodeOptions {
  /** The openclaw bin dir (install-openclaw.sh) and the template state dir with the plugin (install-slack-plugin.sh). */
  bin: string;
  pluginState: string;
  /** Without it the gateway has no Slack channel at all. */
  slack: { appToken: string; botToken: string } | null;
  fake?: Partial<FakeSlackSettings>;
  clawsupSlack?: Record<string, unknown>;
  gatewayToken: string;
}

export interface SlackNode {
  dir: string;
  fake: FakeSlackControl;
  logs(): LogRecord[];
  status(): Record<string, any> | null;
  waitForStatus(what: string, predicate: (status: Record<string, any>) => boolean, timeoutMs?: number): Promise<Record<string, any>>;
  /** `clawctl status --json` through the control socket, from outside the namespace. */
  clawctlStatus(): Promise<Record<string, any>>;
  /** The gateway's output lines, as clawsupd logged them (pino writes them a little after the probe read them). */
  gatewayLines(): string[];
  /** Waits for a gateway output line containing `text`. */
  waitForLine(text: string, timeoutMs?: number): Promise<string>;
  /** SIGTERM to clawsupd (its gateway drains), then SIGKILL to the namespace's init; checks nothing of it is left. */
  stop(): Promise<{ clawsupdEnded: boolean; leftover: number[] }>;
}

export function startSlackNode(options: SlackNodeOptions): SlackNode {
  const temp = makeTempDir('cs-slack-');
  const dir = temp.path;
  const tls = makeFakeSlackTls(dir);
  const state = join(dir, 'state');
  // The plugin stays at its recorded install path in the cache; the state dir's records and config are copied.
  cpSync(options.pluginState, state, { recursive: true });
  const openclawConfigPath = join(state, 'openclaw.json');
  const openclawConfig = JSON.parse(readFileSync(openclawConfigPath, 'utf8')) as Record<string, unknown>;
  openclawConfig['gateway'] = { mode: 'local', port: GATEWAY_PORT, bind: 'loopback', auth: { mode: 'token', token: options.gatewayToken } };
  if (options.slack) openclawConfig['channels'] = { slack: { enabled: true, mode: 'socket', appToken: options.slack.appToken, botToken: options.slack.botToken } };
  writeFileSync(openclawConfigPath, JSON.stringify(openclawConfig, null, 2));

  writeFileSync(join(dir, 'hosts'), HOSTS);
  const fakeSocket = join(dir, 'fake.sock');
  const settings: FakeSlackSettings = {
    appTokens: [APP_TOKEN],
    botTokens: [BOT_TOKEN],
    connectionsOpenError: null,
    socketHost: 'wss-primary.slack.com',
    serverPingIntervalMs: 5_000,
    reportedConnections: null,
    ...options.fake,
  };
  writeFileSync(join(dir, 'fake.json'), JSON.stringify({ control: fakeSocket, cert: tls.cert, key: tls.key, host: '0.0.0.0', port: 443, settings }));

  const statusDir = join(dir, 'status');
  const controlSocket = join(dir, 'ctl.sock');
  const config = {
    gateway: {
      command: [join(options.bin, 'openclaw'), 'gateway', 'run', '--port', String(GATEWAY_PORT), '--bind', 'loopback', '--auth', 'token', '--token', options.gatewayToken],
      cwd: dir,
      env: {
        HOME: join(dir, 'home'),
        OPENCLAW_STATE_DIR: state,
        OPENCLAW_SKIP_CRON: '1',
        OPENCLAW_GATEWAY_TOKEN: options.gatewayToken,
        PATH: `${options.bin}:${process.env['PATH'] ?? ''}`,
        NO_COLOR: '1',
        // One file: the machine's bundle, then the test CA.
        NODE_EXTRA_CA_CERTS: tls.caBundle,
      },
      stopTimeoutMs: 20_000,
    },
    health: { enabled: true, url: `http://127.0.0.1:${GATEWAY_PORT}/healthz`, intervalMs: 1_000, timeoutMs: 1_000, startupGraceMs: 120_000, startTimeoutMs: 240_000 },
    slack: { rpcIntervalMs: 2_000, socketSampleIntervalMs: 1_000, ...options.clawsupSlack },
    status: { dir: statusDir },
    control: { socket: controlSocket },
  };
  const configPath = join(dir, 'clawsup.json5');
  writeFileSync(configPath, JSON.stringify(config, null, 2));

  const child: ChildProcess = spawn(
    'unshare',
    ['--net', '--mount', '--pid', '--fork', '--mount-proc', '--kill-child', 'bash', join(REPO_ROOT, 'test/fake-slack/netns-launch.sh'), join(dir, 'hosts'), join(dir, 'fake.json'), fakeSocket, join(dir, 'fake.log'), '--', process.execPath, CLAWSUPD, '--config', configPath],
    { cwd: dir, env: gatewayFreeOfTestMarkers(process.env), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const unsharePid = child.pid ?? -1;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const records: LogRecord[] = [];
  const gatewayLines: string[] = [];
  let partial = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.startsWith('{')) continue;
      try {
        const record = JSON.parse(line) as LogRecord;
        records.push(record);
        if (typeof record['line'] === 'string') gatewayLines.push(record['line']);
      } catch {
        // Not a log record.
      }
    }
  });
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));

  const status = (): Record<string, any> | null => {
    try {
      return JSON.parse(readFileSync(join(statusDir, 'status.json'), 'utf8'));
    } catch {
      return null;
    }
  };

  return {
    dir,
    fake: connectFakeSlack(fakeSocket),
    logs: () => records,
    status,
    gatewayLines: () => gatewayLines,
    waitForStatus: (what, predicate, timeoutMs = 60_000) =>
      waitFor(`status: ${what}`, () => {
        if (child.exitCode !== null) throw new Error(`the namespace ended (${child.exitCode}): ${stderr.slice(-2000)}`);
        const current = status();
        return current !== null && predicate(current) ? current : undefined;
      }, timeoutMs, 100).catch((error: Error) => {
        const slackLines = gatewayLines.filter((line) => line.includes('slack')).slice(-8);
        throw new Error(`${error.message}\nlast slack probe: ${JSON.stringify(status()?.['probes']?.['slack'])}\nreasons: ${JSON.stringify(status()?.['reasons'])}\nslack lines:\n${slackLines.join('\n')}\nstderr: ${stderr.slice(-2000)}`);
      }),
    waitForLine: (text, timeoutMs = 15_000) => waitFor(`gateway line "${text}"`, () => gatewayLines.find((line) => line.includes(text)), timeoutMs, 100),
    clawctlStatus: () =>
      new Promise((resolve, reject) => {
        execFile(process.execPath, [CLAWCTL, '--socket', controlSocket, 'status', '--json'], { timeout: 15_000 }, (error, stdout) => {
          // clawctl status exits non-zero for a degraded node; its JSON is the answer either way.
          try {
            resolve(JSON.parse(stdout) as Record<string, any>);
          } catch {
            reject(error ?? new Error(`clawctl status --json printed no JSON: ${stdout}`));
          }
        });
      }),
    async stop() {
      const initPid = readChildPid(unsharePid);
      const members = initPid === null ? [] : listNamespaceMembers(initPid);
      const clawsupd = members.find((pid) => readCmdline(pid).includes(CLAWSUPD));
      let clawsupdEnded = clawsupd === undefined;
      if (clawsupd !== undefined) {
        process.kill(clawsupd, 'SIGTERM');
        clawsupdEnded = await waitFor('clawsupd to end', () => !isAlive(clawsupd), 40_000, 100).catch(() => false);
      }
      if (initPid !== null && isAlive(initPid)) process.kill(initPid, 'SIGKILL');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
      const leftover = members.filter((pid) => isAlive(pid));
      removeLiveDir(dir);
      return { clawsupdEnded, leftover };
    },
  };
}

/** The environment clawsupd (and so the gateway) gets: no test-runner markers (see openclaw-test-mode). */
function gatewayFreeOfTestMarkers(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...withoutTestRunner(env), NODE_EXTRA_CA_CERTS: '' };
}

function readChildPid(pid: number): number | null {
  try {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    return children[0] ?? null;
  } catch {
    return null;
  }
}

/** Every process (by its pid out here) in the pid namespace whose init is `initPid`. */
function listNamespaceMembers(initPid: number): number[] {
  const namespace = readNamespace(initPid);
  if (namespace === null) return [];
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => readNamespace(pid) === namespace);
}

function readNamespace(pid: number): string | null {
  try {
    return readlinkSync(`/proc/${pid}/ns/pid`);
  } catch {
    return null;
  }
}

function readCmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Runs an install script and returns the last line of its stdout. */
export function runInstaller(script: string, args: string[] = []): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('bash', [script, ...args], { timeout: 15 * 60_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`${script} failed: ${error.message}\n${stderr.slice(-4000)}`));
      const last = stdout.trim().split('\n').pop()?.trim();
      if (!last) return reject(new Error(`${script} printed nothing`));
      resolve(last);
    });
  });
}
