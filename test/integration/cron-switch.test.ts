import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createConfigCronSwitch, readCronEnabled, writeCronEnabled } from '../../src/cron/cron-switch.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const dirs: Array<{ remove(): void }> = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) dir.remove();
});

function configFile(text: string | null): string {
  const temp = makeTempDir('cs-cron-switch-');
  dirs.push(temp);
  const path = join(temp.path, 'openclaw.json');
  if (text !== null) writeFileSync(path, text, { mode: 0o640 });
  return path;
}

describe('the cron switch (cron.enabled in the gateway config)', () => {
  it.each<[string, string | null, boolean]>([
    ['no file: the gateway default, on', null, true],
    ['no cron section', '{ gateway: { mode: "local" } }', true],
    ['cron.enabled true', '{ cron: { enabled: true } }', true],
    ['cron.enabled false', '{ cron: { enabled: false } }', false],
  ])('reads %s', (_name, text, isOn) => {
    expect(readCronEnabled(configFile(text))).toBe(isOn);
  });

  it('writes cron.enabled and cron.skipMissedJobs, keeping every other key and the file mode', () => {
    const path = configFile('// the operator\'s\n{ gateway: { mode: "local", port: 18789 }, cron: { maxConcurrentRuns: 2 } }');
    createConfigCronSwitch(path, true).set(false);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ gateway: { mode: 'local', port: 18789 }, cron: { maxConcurrentRuns: 2, enabled: false, skipMissedJobs: true } });
    expect(statSync(path).mode & 0o777).toBe(0o640);
    writeCronEnabled(path, true);
    expect(readCronEnabled(path)).toBe(true);
  });

  it('does not rewrite a file that already says so (no needless reload in the gateway)', () => {
    const text = '{ cron: { enabled: false, skipMissedJobs: true } }';
    const path = configFile(text);
    writeCronEnabled(path, false, true);
    expect(readFileSync(path, 'utf8')).toBe(text);
  });

  it('refuses a config that is not an object, naming the file', () => {
    const path = configFile('[1, 2]');
    expect(() => writeCronEnabled(path, false)).toThrow(`${path}: the OpenClaw config is not an object`);
  });
});
