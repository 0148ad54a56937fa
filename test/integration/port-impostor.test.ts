import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { callGatewayRpc, GatewayRpcError } from '../../src/probes/slack/gateway-rpc.js';
import { createGatewayPeerCheck } from '../../src/probes/slack/verify-gateway-peer.js';
import { listGatewayListenPorts } from '../../src/gateway/socket-owner/read-socket-owner.js';
import { statusSchema } from '../../src/status/status-schema.js';
import { CLAWCTL, cleanupDaemons, FIXTURES, startDaemon } from '../helpers/daemon.js';
import { freePort } from '../helpers/free-port.js';
import { isAlive, killGroup } from '../helpers/processes.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

const node = process.execPath;
const TOKEN = `impostor-test-token-${process.pid}-${Date.now().toString(36)}`;
const isLinux = process.platform === 'linux';
const isRoot = process.getuid?.() === 0;
const NOBODY = 65534;

interface Started {
  child: ChildProcess;
  pid: number;
}
const children: Started[] = [];
const dirs: { remove(): void }[] = [];

afterEach(async () => {
  await cleanupDaemons();
  for (const { pid } of children.splice(0)) killGroup(pid);
  await waitFor('test processes gone', () => children.every(({ pid }) => !isAlive(pid)));
  for (const dir of dirs.splice(0)) dir.remove();
});

/** Starts a fixture in its own process group (as uid 65534 when root: another user entirely); resolves once it said `ready`. */
async function startFixture(script: string, args: string[], ready: RegExp, options: { asNobody?: boolean; env?: NodeJS.ProcessEnv } = {}): Promise<Started> {
  const identity = options.asNobody ? { uid: NOBODY, gid: NOBODY } : {};
  const child = spawn(node, [script, ...args], { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env }, ...identity });
  const started = { child, pid: child.pid ?? 0 };
  children.push(started);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await waitFor(`${script} ready`, () => ready.test(output) || (child.exitCode !== null ? Promise.reject(new Error(output)) : false));
  return started;
}

/** The impostor, copied where uid 65534 can read it, recording into a file that user can write. */
async function startImpostor(port: number): Promise<Started & { recorded(): Record<string, any>[]; rawRecord(): string }> {
  const dir = makeTempDir('cs-imp-');
  dirs.push(dir);
  chmodSync(dir.path, 0o777);
  const script = join(dir.path, 'impostor-listener.mjs');
  copyFileSync(join(FIXTURES, 'impostor-listener.mjs'), script);
  chmodSync(script, 0o644);
  const record = join(dir.path, 'record.jsonl');
  const started = await startFixture(script, ['--port', String(port), '--record', record], /impostor listening/, { asNobody: isRoot });
  const rawRecord = (): string => (existsSync(record) ? readFileSync(record, 'utf8') : '');
  const recorded = (): Record<string, any>[] => rawRecord().split('\n').filter((line) => line.length > 0).map((line) => JSON.parse(line));
  return { ...started, recorded, rawRecord };
}

describe.skipIf(!isLinux)('a listener on the gateway port that is not the gateway', () => {
  it('never gets the token, never makes the node healthy, and is named in status.json and clawctl status', async () => {
    const port = await freePort();
    const impostor = await startImpostor(port);
    const daemon = startDaemon({
      config: {
        gateway: {
          command: [node, join(FIXTURES, 'port-waiting-gateway.mjs'), '--port', String(port), '--startup-ms', '300'],
          env: { OPENCLAW_GATEWAY_TOKEN: TOKEN },
          stopTimeoutMs: 5_000,
        },
        health: { enabled: true, url: `http://127.0.0.1:${port}/healthz`, intervalMs: 200, timeoutMs: 500, failureThreshold: 3, startupGraceMs: 30_000, hangKillTimeoutMs: 500 },
        slack: { rpcIntervalMs: 300 },
      },
    });

    const held = await daemon.waitForStatus('the port reported held by the impostor', (s) => s.probes?.health.state === 'port-held-by-another-process');
    expect(statusSchema.parse(held)).toBeTruthy();
    expect(held.mode).toBe('starting');
    expect(held.probes.health).toMatchObject({ ok: false });
    expect(held.probes.health.detail).toContain(`127.0.0.1:${port} is served by pid ${impostor.pid} (`);
    expect(held.probes.health.detail).toContain('impostor-listener.mjs');
    expect(held.probes.startup).toMatchObject({ ok: false, state: 'starting' });
    expect(held.probes.startup.detail).toContain(`pid ${impostor.pid}`);

    const view = spawnSync(node, [CLAWCTL, '--socket', daemon.socketPath, 'status'], { encoding: 'utf8' });
    expect(view.stdout).toContain('port-held-by-another-process');
    expect(view.stdout).toContain(`pid ${impostor.pid}`);

    // Many rounds later: still not healthy, and the impostor was connected to but never sent a byte of a request.
    await waitFor('several rounds against the impostor', () => impostor.recorded().filter((entry) => entry.event === 'connection').length >= 5);
    expect(daemon.status()?.mode).toBe('starting');
    expect(impostor.recorded().filter((entry) => entry.event !== 'connection')).toEqual([]);
    expect(impostor.rawRecord()).not.toContain(TOKEN);
    expect(daemon.logs().find((record) => record.msg === 'gateway port held by another process')).toMatchObject({ holderPid: impostor.pid });

    // The impostor goes, the gateway binds: only now is the node healthy, and the token goes to the gateway alone.
    killGroup(impostor.pid);
    const healthy = await daemon.waitForStatus('healthy once the gateway has its port', (s) => s.mode === 'healthy' && s.probes.health.state === 'live' && s.probes.ready.state === 'ready', 30_000);
    expect(healthy.reasons).toEqual([]);
    // With a token and no Slack lines, not-configured comes only from channels.status: the RPC passed its peer check.
    await daemon.waitForStatus('channels.status answered by the gateway', (s) => s.probes.slack.state === 'not-configured' && s.probes.slack.detail === 'the gateway has no Slack account configured');
    expect(listGatewayListenPorts(healthy.gateway.pid)).toEqual([port]);
    expect(impostor.rawRecord()).not.toContain(TOKEN);
  });
});

describe.skipIf(!isLinux)('the RPC peer check (beforeSendingToken)', () => {
  it('sends the token to the gateway, and not to another process on the port it dials', async () => {
    const gatewayPort = await freePort();
    const impostorPort = await freePort();
    const impostor = await startImpostor(impostorPort);
    const gateway = await startFixture(join(FIXTURES, 'fake-gateway.mjs'), ['--port', String(gatewayPort), '--startup-ms', '0'], /fake gateway listening/, { env: { OPENCLAW_GATEWAY_TOKEN: TOKEN } });
    const check = createGatewayPeerCheck(() => gateway.pid);

    const toGateway = await callGatewayRpc({ url: `ws://127.0.0.1:${gatewayPort}`, token: TOKEN, method: 'channels.status', timeoutMs: 5_000, beforeSendingToken: check });
    expect(toGateway).toMatchObject({ channels: {} });
    // No gateway to compare with: nobody can be proven to be it, so the token stays home.
    const noGateway = callGatewayRpc({ url: `ws://127.0.0.1:${gatewayPort}`, token: TOKEN, method: 'channels.status', timeoutMs: 5_000, beforeSendingToken: createGatewayPeerCheck(() => null) });
    await expect(noGateway).rejects.toMatchObject({ kind: 'peer', message: expect.stringContaining('no gateway is running') });
    // Another group's pid: the real gateway is not that process, so it does not get the token either.
    const wrongGroup = callGatewayRpc({ url: `ws://127.0.0.1:${gatewayPort}`, token: TOKEN, method: 'channels.status', timeoutMs: 5_000, beforeSendingToken: createGatewayPeerCheck(() => impostor.pid) });
    await expect(wrongGroup).rejects.toMatchObject({ kind: 'peer', message: expect.stringContaining(`is served by pid ${gateway.pid}`) });

    const toImpostor = callGatewayRpc({ url: `ws://127.0.0.1:${impostorPort}`, token: TOKEN, method: 'channels.status', timeoutMs: 5_000, beforeSendingToken: check });
    const error = await toImpostor.then(() => null, (rejected: unknown) => rejected);
    expect(error).toBeInstanceOf(GatewayRpcError);
    expect(error).toMatchObject({ kind: 'peer' });
    expect((error as Error).message).toContain(`port-held-by-another-process: 127.0.0.1:${impostorPort} is served by pid ${impostor.pid}`);
    expect(impostor.recorded().some((entry) => entry.event === 'upgrade')).toBe(true);
    expect(impostor.recorded().filter((entry) => entry.event === 'frame' && entry.opcode === 1)).toEqual([]);
    expect(impostor.rawRecord()).not.toContain(TOKEN);
  });
});
