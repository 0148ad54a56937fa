import { chmodSync, copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runClawctl } from '../helpers/control.js';
import { cleanupDaemons, FIXTURES, startDaemon } from '../helpers/daemon.js';
import { TLS } from '../helpers/fleet-fake-node.js';
import { freePort } from '../helpers/free-port.js';
import { waitFor } from '../helpers/wait-for.js';
import { startThreeNodes, type ThreeNodes } from '../helpers/fleet-nodes.js';
import { makeTempDir } from '../helpers/temp-dir.js';

/** Three real clawsupd (healthy, diagnose, held), each with its own listener and token, seen by `clawctl fleet`. */
describe('clawctl fleet against three clawsupd', () => {
  let temp: { path: string; remove(): void };
  let fleet: ThreeNodes;

  beforeAll(async () => {
    temp = makeTempDir('cs-fleet3-');
    fleet = await startThreeNodes(temp.path);
  }, 60_000);

  afterAll(async () => {
    await cleanupDaemons();
    temp?.remove();
  });

  const rowOf = (table: string, name: string): string => table.split('\n').find((line) => line.startsWith(`${name} `)) ?? `(no row for ${name})`;
  const fleetStatus = (args: string[] = [], inventoryPath = fleet.inventoryPath) => runClawctl(['fleet', 'status', '--inventory', inventoryPath, ...args], { env: fleet.env });

  it('prints one row a node: mode and since, uptime, restarts, last exit, Slack, skills, cron, version; exit 2', async () => {
    const run = await fleetStatus();
    expect(run.stderr).toBe('');
    expect(run.code).toBe(2);
    const version = fleet.nodes.alpha.daemon.status()?.daemon.version as string;
    expect(rowOf(run.stdout, 'alpha')).toMatch(new RegExp(`^alpha\\s+healthy\\s+\\d+s ago\\s+\\d+s\\s+0\\s+none\\s+not probed\\s+none\\s+-\\s+${version.replace(/\./g, '\\.')}$`));
    expect(rowOf(run.stdout, 'bravo')).toMatch(/^bravo\s+diagnose\s+\d+s ago\s+not running\s+0\s+structural: [a-z-]+ \(exit 78\)\s+not probed\s+none\s+-\s/);
    expect(rowOf(run.stdout, 'charlie')).toMatch(/^charlie\s+held\s+\d+s ago\s+not running\s+0\s+clean: stopped \(exit 0\)\s+not probed\s+failing: backup\s+-\s/);
    for (const { token } of Object.values(fleet.nodes)) expect(run.stdout).not.toContain(token);
  });

  it.each([
    ['healthy alone', ['alpha'], 0],
    ['healthy and held', ['alpha', 'charlie'], 1],
    ['held and diagnose', ['charlie', 'bravo'], 2],
  ] as const)('exits by the worst node: %s -> %s', async (_name, names, code) => {
    expect((await fleetStatus([], fleet.writeInventory(names))).code).toBe(code);
  });

  it('--json prints { nodes: [{ name, reachable, status }] } with each status object', async () => {
    const run = await fleetStatus(['--json']);
    expect(run.code).toBe(2);
    const { nodes } = JSON.parse(run.stdout) as { nodes: Array<Record<string, any>> };
    expect(nodes.map(({ name, reachable, status }) => [name, reachable, status.mode])).toEqual([
      ['alpha', true, 'healthy'],
      ['bravo', true, 'diagnose'],
      ['charlie', true, 'held'],
    ]);
    expect(nodes[1]?.status.diagnosis).toMatchObject({ class: 'structural', hint: expect.any(String) });
    expect(nodes[0]?.status.gateway.pid).toBe(fleet.nodes.alpha.daemon.status()?.gateway.pid);
    for (const { token } of Object.values(fleet.nodes)) expect(run.stdout).not.toContain(token);
  });

  it('fleet events merges the three journals in time order, the node on each line', async () => {
    const run = await runClawctl(['fleet', 'events', '--inventory', fleet.inventoryPath, '--since', '1h'], { env: fleet.env });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    const times = lines.map((line) => Date.parse(line.split(/\s+/)[0] as string));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(lines.find((line) => /^\S+\s+bravo\s+#\d+\s+diagnose-entered\s/.test(line))).toBeDefined();
    expect(lines.find((line) => /^\S+\s+charlie\s+#\d+\s+held\s/.test(line))).toBeDefined();
    expect(new Set(lines.map((line) => line.split(/\s+/)[1]))).toEqual(new Set(['alpha', 'bravo', 'charlie']));
    const json = await runClawctl(['fleet', 'events', '--inventory', fleet.inventoryPath, '--since', '1h', '--json'], { env: fleet.env });
    const events = json.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(events.filter((event) => event.node === 'alpha' && event.type === 'daemon-started')).toHaveLength(1);
  });

  it('a node on https is checked against its caFile, and without it is an untrusted-certificate row', async () => {
    const port = await freePort();
    const keyFile = join(temp.path, 'tls-key.pem');
    copyFileSync(join(TLS, 'key.pem'), keyFile);
    chmodSync(keyFile, 0o600);
    const tokenFile = join(temp.path, 'tls.token');
    writeFileSync(tokenFile, 'tls-node-token\n', { mode: 0o600 });
    const daemon = startDaemon({
      config: { gateway: { command: [process.execPath, join(FIXTURES, 'forever.mjs')] }, http: { listen: `127.0.0.1:${port}`, tokenFile, tls: { certFile: join(TLS, 'cert.pem'), keyFile } } },
    });
    await daemon.waitForStatus('healthy', (status) => status.mode === 'healthy');
    const url = `https://127.0.0.1:${port}`;
    const inventoryPath = join(temp.path, 'fleet-tls.json5');
    writeFileSync(inventoryPath, JSON.stringify({ nodes: [{ name: 'secure', url, tokenFile, caFile: join(TLS, 'cert.pem') }, { name: 'no-ca', url, tokenFile }] }));
    const run = await waitFor('the TLS node to answer', async () => {
      const attempt = await fleetStatus([], inventoryPath);
      return rowOf(attempt.stdout, 'secure').includes('healthy') ? attempt : undefined;
    });
    expect(rowOf(run.stdout, 'secure')).toMatch(/^secure\s+healthy\s/);
    expect(rowOf(run.stdout, 'no-ca')).toMatch(/^no-ca\s+unreachable\s+never answered\s+-\s+-\s+TLS: the certificate is self-signed/);
    expect(run.code).toBe(2);
    await daemon.stop();
  });

  it('a stopped node is an unreachable row within the deadline, with how long since it last answered', async () => {
    await fleet.nodes.alpha.daemon.stop();
    const startedMs = Date.now();
    const run = await fleetStatus(['--timeout', '1s']);
    expect(Date.now() - startedMs).toBeLessThan(4_000);
    expect(run.code).toBe(2);
    expect(rowOf(run.stdout, 'alpha')).toMatch(/^alpha\s+unreachable\s+last answered \d+s ago\s+-\s+-\s+connection refused/);
    expect(rowOf(run.stdout, 'bravo')).toMatch(/^bravo\s+diagnose\s/);
    const json = JSON.parse((await fleetStatus(['--json', '--timeout', '1s'])).stdout) as { nodes: Array<Record<string, any>> };
    expect(json.nodes[0]).toMatchObject({ name: 'alpha', reachable: false, status: null, error: expect.stringMatching(/^connection refused/), lastAnsweredAt: expect.any(String) });
    const events = await runClawctl(['fleet', 'events', '--inventory', fleet.inventoryPath, '--since', '1h', '--timeout', '1s'], { env: fleet.env });
    expect(events.code).toBe(2);
    expect(events.stderr).toMatch(/^clawctl: alpha: no events: connection refused/m);
    expect(events.stdout).toMatch(/\sbravo\s+#\d+\s+diagnose-entered\s/);
  });
});
