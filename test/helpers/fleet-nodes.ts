import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runClawctl } from './control.js';
import { FIXTURES, startDaemon, type Daemon } from './daemon.js';
import { freePort } from './free-port.js';
import { waitFor } from './wait-for.js';

/** Untrusted text with HTML in it, in a skill's message and a gateway's output line: the page must show it as text. */
export const HOSTILE_SKILL_MESSAGE = 'backup failed: <script>window.__pwned = "skill"</script> "quoted" & <b>bold</b>';
export const HOSTILE_GATEWAY_LINE = 'config invalid near <script>window.__pwned = "gateway"</script> "key" <img src=x onerror=alert(1)>';

export interface FleetNode {
  name: string;
  daemon: Daemon;
  port: number;
  token: string;
}

export interface ThreeNodes {
  nodes: { alpha: FleetNode; bravo: FleetNode; charlie: FleetNode };
  inventoryPath: string;
  /** Writes an inventory of some of the nodes, for a narrower exit code. */
  writeInventory(names: ReadonlyArray<'alpha' | 'bravo' | 'charlie'>): string;
  /** The environment clawctl runs with: its own HOME, so the last-seen cache lands in the temp dir. */
  env: NodeJS.ProcessEnv;
}

/**
 * Three clawsupd, each with its own status dir, socket, listener and token: alpha healthy; bravo in diagnose (its
 * gateway exits 78 with an HTML-laden line); charlie held by `clawctl stop`, with a failed skill whose message holds HTML.
 */
export async function startThreeNodes(dir: string): Promise<ThreeNodes> {
  const node = process.execPath;
  const start = async (name: string, command: string[]): Promise<FleetNode> => {
    const port = await freePort();
    const token = `${name}-token-${Math.random().toString(36).slice(2)}`;
    const tokenFile = join(dir, `${name}.token`);
    writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
    const daemon = startDaemon({ config: { gateway: { command }, http: { listen: `127.0.0.1:${port}`, tokenFile } } });
    return { name, daemon, port, token };
  };
  const [alpha, bravo, charlie] = await Promise.all([
    start('alpha', [node, join(FIXTURES, 'forever.mjs')]),
    start('bravo', [node, join(FIXTURES, 'exit-with.mjs'), '78', '50', HOSTILE_GATEWAY_LINE]),
    start('charlie', [node, join(FIXTURES, 'forever.mjs')]),
  ]);
  const nodes = { alpha: alpha!, bravo: bravo!, charlie: charlie! };
  await Promise.all([
    nodes.alpha.daemon.waitForStatus('alpha healthy', (status) => status.mode === 'healthy'),
    nodes.bravo.daemon.waitForStatus('bravo in diagnose', (status) => status.mode === 'diagnose'),
    nodes.charlie.daemon.waitForStatus('charlie healthy', (status) => status.mode === 'healthy'),
  ]);
  const config = ['--config', nodes.charlie.daemon.configPath];
  const report = await runClawctl([...config, 'skill', 'report', 'backup', '--status', 'failure', '--message', HOSTILE_SKILL_MESSAGE]);
  if (report.code !== 0) throw new Error(`skill report failed: ${report.stderr}`);
  const stop = await runClawctl([...config, 'stop']);
  if (stop.code !== 0) throw new Error(`clawctl stop failed: ${stop.stderr}`);
  await nodes.charlie.daemon.waitForStatus('charlie held, its skill failing', (status) => status.mode === 'held' && status.skills?.backup?.state === 'failing');
  // The listener answers once the daemon has bound it; each node's view says its mode.
  for (const fleetNode of Object.values(nodes)) {
    await waitFor(`${fleetNode.name}'s listener`, async () => {
      const response = await fetch(`http://127.0.0.1:${fleetNode.port}/api/v1/view`, { headers: { authorization: `Bearer ${fleetNode.token}` } }).catch(() => null);
      return response?.status === 200;
    });
  }
  const writeInventory = (names: ReadonlyArray<'alpha' | 'bravo' | 'charlie'>): string => {
    const path = join(dir, `fleet-${names.join('-')}.json5`);
    const entries = names.map((name) => `    { name: "${name}", url: "http://127.0.0.1:${nodes[name].port}", tokenFile: "${name}.token" },`);
    writeFileSync(path, `// three clawsupd on this machine\n{\n  nodes: [\n${entries.join('\n')}\n  ],\n}\n`);
    return path;
  };
  return { nodes, inventoryPath: writeInventory(['alpha', 'bravo', 'charlie']), writeInventory, env: { HOME: join(dir, 'home'), XDG_CACHE_HOME: '' } };
}
