import { spawn, type ChildProcess } from 'node:child_process';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createSlackTransportReader } from '../../src/probes/slack/read-slack-transport.js';
import { waitFor } from '../helpers/wait-for.js';

// A real listener stands in for Slack's socket host, on its own loopback address and a free port (not 443, so no
// other test's socket is mistaken for one); a detached child stands in for the gateway's process group.
const SLACK_HOST = '127.0.0.2';
let server: Server | null = null;
const serverSockets = new Set<Socket>();
let gateway: ChildProcess | null = null;

afterEach(async () => {
  if (gateway?.pid !== undefined && gateway.exitCode === null) {
    const exited = new Promise((resolve) => gateway?.once('exit', resolve));
    process.kill(gateway.pid, 'SIGKILL');
    await exited;
  }
  gateway = null;
  for (const socket of serverSockets) socket.destroy();
  serverSockets.clear();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = null;
});

async function listenAsSlack(): Promise<number> {
  server = createServer((socket) => {
    serverSockets.add(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server?.listen(0, SLACK_HOST, resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** A gateway group that holds one connection to host:port until killed; resolves once it is connected. */
async function startGatewayConnectedTo(port: number): Promise<number> {
  const script = `require('node:net').connect(${port}, '${SLACK_HOST}', () => process.stdout.write('connected\\n'));setInterval(() => {}, 60000);`;
  gateway = spawn(process.execPath, ['-e', script], { detached: true, stdio: ['ignore', 'pipe', 'inherit'] });
  const child = gateway;
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => chunk.toString().includes('connected') && resolve());
    child.once('exit', (code) => reject(new Error(`the stand-in gateway exited (${code})`)));
  });
  if (child.pid === undefined) throw new Error('no pid');
  return child.pid;
}

describe('the Slack transport reader', () => {
  it("finds the gateway group's socket to the Slack host, and not a socket of another process to the same host", async () => {
    const port = await listenAsSlack();
    const pgid = await startGatewayConnectedTo(port);
    const ours = createConnection(port, SLACK_HOST);
    await new Promise((resolve) => ours.once('connect', resolve));
    try {
      const reader = createSlackTransportReader(port);
      const sockets = await reader.sample(pgid, [SLACK_HOST]);
      expect(sockets).toHaveLength(1);
      expect(sockets?.[0]?.inode).toBeGreaterThan(0);
      expect(sockets?.[0]?.lastReceiveAgoMs).toEqual(expect.any(Number));
    } finally {
      ours.destroy();
    }
  });

  it('gives an empty sample once the gateway closed its socket, and the same socket again while it lasts', async () => {
    const port = await listenAsSlack();
    const pgid = await startGatewayConnectedTo(port);
    const reader = createSlackTransportReader(port);
    const first = await reader.sample(pgid, [SLACK_HOST]);
    expect(await reader.sample(pgid, [SLACK_HOST])).toEqual([expect.objectContaining({ inode: first?.[0]?.inode })]);
    for (const socket of serverSockets) socket.destroy();
    await waitFor('an empty sample after the socket closed', async () => (await reader.sample(pgid, [SLACK_HOST]))?.length === 0);
  });

  it('cannot tell (null) while a socket to the port exists but no Slack host resolves', async () => {
    const port = await listenAsSlack();
    const pgid = await startGatewayConnectedTo(port);
    expect(await createSlackTransportReader(port).sample(pgid, ['no-such-host.invalid'])).toBeNull();
  });

  it('says "no socket" (an empty sample) without resolving anything when nothing on the host goes to the port', async () => {
    const port = await listenAsSlack();
    server?.close();
    // The host name cannot resolve: were it looked up, the answer would be null (cannot tell), as above.
    expect(await createSlackTransportReader(port).sample(process.pid, ['no-such-host.invalid'])).toEqual([]);
  });
});
