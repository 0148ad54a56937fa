// `npm start` beside a node's real gateway: the demo must never tell the operator to stop that gateway.
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { classifyExit } from '../../src/supervisor/classify-exit.js';
import { REPO_ROOT } from '../helpers/daemon.js';

const DEMO = join(REPO_ROOT, 'dist/demo/demo-gateway.js');
const EXIT_DEADLINE_MS = 15_000;

const servers: Server[] = [];
afterEach(() => servers.splice(0).forEach((server) => server.close()));

/** Something else (the real gateway, say) listening on a port. */
function holdPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    servers.push(server);
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : 0);
    });
  });
}

function runDemo(port: number): Promise<{ code: number | null; lines: string[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [DEMO, '--port', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the demo did not exit within ${EXIT_DEADLINE_MS} ms on a taken port: ${output}`));
    }, EXIT_DEADLINE_MS);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, lines: output.split('\n').filter((line) => line !== '') });
    });
  });
}

describe('the demo gateway on a port another program holds', () => {
  it('says the demo should move, and clawsupd does not take it for a duplicate gateway to stop', async () => {
    const port = await holdPort();
    const { code, lines } = await runDemo(port);
    expect(code).toBe(1);
    expect(lines.join('\n')).toContain(`clawsup DEMO gateway: port ${port} on 127.0.0.1 is taken by another program; move the demo, not that program`);
    const verdict = classifyExit({ code, signal: null, uptimeMs: 100, isStopRequested: false, outputTail: lines, minUptimeMs: 10_000 });
    expect(verdict.reason).not.toBe('duplicate-gateway');
  });
});
