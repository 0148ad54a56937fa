import { chmodSync, copyFileSync, readFileSync } from 'node:fs';
import { get } from 'node:https';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupDaemons, FIXTURES, startDaemon } from '../helpers/daemon.js';
import { freePort } from '../helpers/free-port.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { waitFor } from '../helpers/wait-for.js';

const TLS = join(FIXTURES, 'tls');
const forever = { command: [process.execPath, join(FIXTURES, 'forever.mjs')] };
const temps: Array<{ remove(): void }> = [];

afterEach(async () => {
  await cleanupDaemons();
  for (const temp of temps.splice(0)) temp.remove();
});

/** The fixture cert and a key copied with `mode` (git keeps no modes). */
function tlsFiles(keyName: string, mode: number): { certFile: string; keyFile: string } {
  const temp = makeTempDir();
  temps.push(temp);
  const keyFile = join(temp.path, 'key.pem');
  copyFileSync(join(TLS, keyName), keyFile);
  chmodSync(keyFile, mode);
  return { certFile: join(TLS, 'cert.pem'), keyFile };
}

function httpsGet(port: number, path: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const request = get({ host: '127.0.0.1', port, path, ca: readFileSync(join(TLS, 'cert.pem')) }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => void (text += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
    });
    request.on('error', reject);
  });
}

describe('the http listener over TLS', () => {
  it('serves /metrics over HTTPS with http.tls, the certificate checked by the client', async () => {
    const port = await freePort();
    const daemon = startDaemon({ config: { gateway: forever, http: { listen: `127.0.0.1:${port}`, tls: tlsFiles('key.pem', 0o600) } } });
    await daemon.waitForStatus('healthy', (status) => status.mode === 'healthy');
    const response = await waitFor('an HTTPS answer', async () => {
      const answer = await httpsGet(port, '/metrics');
      return answer.text.includes('clawsup_mode{mode="healthy"} 1') ? answer : undefined;
    });
    expect(response.status).toBe(200);
    await daemon.stop();
  });

  it.each([
    ['a key readable by every user', 'key.pem', 0o644, /\.json5:\d+:\d+: http\.tls\.keyFile: .*key\.pem: readable by every user \(mode 0644\): chmod 600 it/],
    ['a key that does not match the certificate', 'other-key.pem', 0o600, /\.json5:\d+:\d+: http\.tls: the certificate and key cannot be used together: /],
  ])('refuses at start (exit 78) %s', async (_name, keyName, mode, message) => {
    const daemon = startDaemon({ config: { gateway: forever, http: { listen: `127.0.0.1:${await freePort()}`, tls: tlsFiles(keyName, mode) } } });
    expect((await daemon.exited).code).toBe(78);
    expect(daemon.stderr()).toMatch(message);
    expect(daemon.stderr()).not.toContain('    at ');
  });
});
