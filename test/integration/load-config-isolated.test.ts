// The daemon's bundle validates its config in a child (dist/config-loader.cjs), so that zod never lives in the
// daemon: the answer must be the one the in-process loader gives, errors included, and a broken loader a clear error.
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isClawsupError } from '../../src/errors.js';
import { loadConfig } from '../../src/config/load-config.js';
import { loadConfigWith } from '../../src/config/load-config-isolated.js';
import { REPO_ROOT } from '../helpers/daemon.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const LOADER = join(REPO_ROOT, 'dist', 'config-loader.cjs');
const removals: Array<() => void> = [];
afterEach(() => {
  for (const remove of removals.splice(0)) remove();
});

function tempFile(name: string, text: string): string {
  const temp = makeTempDir();
  removals.push(() => temp.remove());
  const path = join(temp.path, name);
  writeFileSync(path, text);
  return path;
}

function thrownBy(load: () => unknown): { code: string; message: string } {
  try {
    load();
  } catch (error) {
    if (!isClawsupError(error)) throw error;
    return { code: error.code, message: error.message };
  }
  throw new Error('it did not throw');
}

describe('the config loader the daemon runs as a child', () => {
  it('answers the config the in-process loader reads, with the same key locations', () => {
    const withFeatures = tempFile(
      'features.json5',
      `{ gateway: { command: ["node", "gateway.js"] }, skills: { "daily-memory": { maxAgeMs: 3600000 } },
         metrics: { textfile: "./clawsup.prom" }, alerts: { webhooks: [{ url: "http://127.0.0.1:9/hook", format: "json" }] },
         http: { listen: "127.0.0.1:9477" }, status: { dir: "~/status" } }`,
    );
    for (const path of [withFeatures, join(REPO_ROOT, 'packaging', 'config', 'demo.json5'), join(REPO_ROOT, 'packaging', 'config', 'production.json5')]) {
      const isolated = loadConfigWith(LOADER, path);
      const inProcess = loadConfig(path);
      expect(isolated.config).toEqual(inProcess.config);
      expect(isolated.configPath).toBe(inProcess.configPath);
      expect(isolated.locate(['gateway', 'command'])).toBe(inProcess.locate(['gateway', 'command']));
      expect(isolated.locate(['gateway', 'command'])).toMatch(/:\d+:\d+$/);
    }
  });

  it.each([
    ['a schema error', '{ gateway: { command: ["node"] },\n  restart: { failureLimit: "x" } }'],
    ['not JSON5', '{ gateway: '],
    ['an unknown key', '{ gateway: { command: ["node"] }, restrat: {} }'],
    ['nesting too deep', `{ gateway: { command: ["node"] }, x: ${'['.repeat(40)}${']'.repeat(40)} }`],
  ])('refuses %s with the in-process loader\'s code and located message', (_what, text) => {
    const path = tempFile('clawsup.json5', text);
    const isolated = thrownBy(() => loadConfigWith(LOADER, path));
    expect(isolated).toEqual(thrownBy(() => loadConfig(path)));
    expect(isolated.message).toContain(`${path}:`);
  });

  it('says a missing file is missing', () => {
    const path = join(makeTempDir().path, 'nothing.json5');
    expect(thrownBy(() => loadConfigWith(LOADER, path))).toEqual({ code: 'CLAWSUP_ERR_CONFIG_READ', message: `${path}: cannot read config: no such file` });
  });

  it('names a loader that is missing or answers nothing, as a broken install', () => {
    const config = join(REPO_ROOT, 'packaging', 'config', 'demo.json5');
    const missing = thrownBy(() => loadConfigWith('/nonexistent/config-loader.cjs', config));
    expect(missing.code).toBe('CLAWSUP_ERR_INTERNAL');
    expect(missing.message).toMatch(/cannot check the config: the config loader \/nonexistent\/config-loader.cjs exited 1 without an answer: .*Cannot find module.*reinstall clawsup/);
    const silent = tempFile('loader.cjs', 'process.stdout.write("not an answer");');
    chmodSync(silent, 0o644);
    expect(thrownBy(() => loadConfigWith(silent, config))).toEqual({ code: 'CLAWSUP_ERR_INTERNAL', message: `${config}: cannot check the config: the config loader ${silent} exited 0 without an answer (a broken install: reinstall clawsup)` });
  });
});
