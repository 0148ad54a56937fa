import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLAWCTL, cleanupDaemons, FIXTURES, startDaemon } from '../helpers/daemon.js';
import { freePort } from '../helpers/free-port.js';
import { makeTempDir } from '../helpers/temp-dir.js';

afterEach(cleanupDaemons);

const random = (): string => Math.random().toString(36).slice(2, 14);

describe('hostile input: secrets a gateway prints', () => {
  it('no token or API key reaches the log, status.json, diagnosis.json, clawctl status, logs or diagnose', async () => {
    const secrets = {
      gatewayToken: `gwtok${random()}${random()}`,
      envToken: `envtok${random()}${random()}`,
      botToken: `xoxb-1234567890-${random()}${random()}`,
      appToken: `xapp-1-A0123-${random()}${random()}`,
      anthropicKey: `sk-ant-api03-${random()}${random()}${random()}`,
      bearer: `bearer${random()}${random()}`,
    };
    const temp = makeTempDir('cs-secrets-');
    const openclawConfig = join(temp.path, 'openclaw.json');
    writeFileSync(
      openclawConfig,
      JSON.stringify({
        gateway: { auth: { token: secrets.gatewayToken } },
        channels: { slack: { botToken: secrets.botToken, appToken: secrets.appToken } },
        models: { providers: { anthropic: { apiKey: secrets.anthropicKey } } },
      }),
    );
    const daemon = startDaemon({
      config: {
        gateway: {
          command: [process.execPath, join(FIXTURES, 'secret-printer.mjs'), openclawConfig],
          env: { OPENCLAW_GATEWAY_TOKEN: secrets.envToken, PROVIDER_BEARER: secrets.bearer },
          openclawConfigPath: openclawConfig,
        },
      },
      dir: temp.path,
    });
    try {
      await daemon.waitForStatus('diagnose', (s) => s.mode === 'diagnose');
      await daemon.waitForLog('the gateway said its config was invalid', (r) => typeof r.line === 'string' && r.line.startsWith('Invalid config'));
      const clawctl = (...args: string[]): string => {
        const result = spawnSync(process.execPath, [CLAWCTL, '--socket', daemon.socketPath, ...args], {
          encoding: 'utf8',
          env: { ...process.env, NODE_EXTRA_CA_CERTS: '' },
        });
        return `${result.stdout}${result.stderr}`;
      };
      const places: Record<string, string> = {
        'daemon log': daemon.logs().map((r) => JSON.stringify(r)).join('\n') + daemon.stderr(),
        'clawctl status --json': clawctl('status', '--json'),
        'clawctl logs': clawctl('logs'),
        'clawctl diagnose': clawctl('diagnose'),
      };
      for (const name of readdirSync(daemon.statusDir).filter((file) => file.endsWith('.json'))) {
        places[name] = readFileSync(join(daemon.statusDir, name), 'utf8');
      }
      expect(places['clawctl logs']).toContain('Invalid config');
      expect(places['diagnosis.json']).toContain('Invalid config');
      const leaks = Object.entries(places).flatMap(([place, text]) =>
        Object.entries(secrets).filter(([, value]) => text.includes(value)).map(([secret]) => `${secret} in ${place}`),
      );
      expect(leaks).toEqual([]);
    } finally {
      await daemon.cleanup();
      temp.remove();
    }
  });

  it('no credential in a header, URL, cookie, key field or private key, nor a token cut at 16 KiB, reaches the log, status.json, clawctl logs or status', async () => {
    const secrets = {
      // Characters that percent-encode, so the gateway's URL-encoded copy differs from the config's.
      gatewayToken: `gw/${random()}+${random()}=${random()}`,
      password: `pw${random()}${random()}`,
      probePassword: `probe${random()}${random()}`,
    };
    const temp = makeTempDir('cs-secret-shapes-');
    const openclawConfig = join(temp.path, 'openclaw.json');
    writeFileSync(openclawConfig, JSON.stringify({ gateway: { auth: { token: secrets.gatewayToken } } }));
    // Nothing listens there: the liveness probe fails, and its detail names the URL it tried.
    const port = await freePort();
    const daemon = startDaemon({
      config: {
        gateway: {
          command: [process.execPath, join(FIXTURES, 'secret-shapes-printer.mjs'), openclawConfig],
          env: { SHAPES_VALUE: secrets.password },
          openclawConfigPath: openclawConfig,
          outputTailBytes: 256 * 1024,
          stopTimeoutMs: 5_000,
        },
        health: { enabled: true, url: `http://probe:${secrets.probePassword}@127.0.0.1:${port}/healthz`, intervalMs: 200, timeoutMs: 500, startupGraceMs: 60_000 },
      },
      dir: temp.path,
    });
    try {
      await daemon.waitForLog('the gateway printed everything', (r) => r.line === 'done printing');
      await daemon.waitForStatus('a failed liveness probe', (s) => typeof s.probes?.health?.detail === 'string' && s.probes.health.detail.includes('ECONNREFUSED'));
      const clawctl = (...args: string[]): string => {
        const result = spawnSync(process.execPath, [CLAWCTL, '--socket', daemon.socketPath, ...args], {
          encoding: 'utf8',
          env: { ...process.env, NODE_EXTRA_CA_CERTS: '' },
        });
        return `${result.stdout}${result.stderr}`;
      };
      const places: Record<string, string> = {
        'daemon log': daemon.logs().map((r) => JSON.stringify(r)).join('\n') + daemon.stderr(),
        'clawctl status --json': clawctl('status', '--json'),
        'clawctl logs': clawctl('logs'),
      };
      for (const name of readdirSync(daemon.statusDir).filter((file) => file.endsWith('.json'))) {
        places[name] = readFileSync(join(daemon.statusDir, name), 'utf8');
      }
      expect(places['clawctl logs']).toContain('done printing');
      expect(places['clawctl logs']).toContain('-----BEGIN PRIVATE KEY-----');
      expect(places['status.json']).toContain('127.0.0.1');
      // A half of a secret is a leak too: the token cut at 16 KiB showed as two halves.
      const pieces = Object.entries(secrets).flatMap(([name, value]) => [
        [name, value],
        [`${name} (first half)`, value.slice(0, 14)],
        [`${name} (second half)`, value.slice(-14)],
        [`${name} (percent-encoded)`, encodeURIComponent(value)],
      ]);
      const basic = Buffer.from(`admin:${secrets.password}`).toString('base64');
      pieces.push(['basic credentials', basic.slice(0, 16)]);
      const leaks = Object.entries(places).flatMap(([place, text]) =>
        pieces.filter(([, value]) => text.includes(value as string)).map(([secret]) => `${secret} in ${place}`),
      );
      expect(leaks).toEqual([]);
    } finally {
      await daemon.cleanup();
      temp.remove();
    }
  });
});
