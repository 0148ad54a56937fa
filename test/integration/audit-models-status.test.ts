import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findOpenclawArgv, runModelsStatus } from '../../src/audit/run-models-status.js';
import { FIXTURES } from '../helpers/daemon.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const argv = [process.execPath, join(FIXTURES, 'fake-openclaw.mjs')];
const run = (mode: string, signal = AbortSignal.timeout(10_000)) => runModelsStatus(argv, { ...process.env, FAKE_OPENCLAW: mode }, signal);

const temps: { remove(): void }[] = [];
afterEach(() => temps.splice(0).forEach((temp) => temp.remove()));

describe('runModelsStatus', () => {
  it('runs models status --json --check with the config read-only, and takes exit 1 as an answer', async () => {
    const temp = makeTempDir('cs-ms-');
    temps.push(temp);
    const argsFile = join(temp.path, 'args.json');
    const status = await runModelsStatus(argv, { ...process.env, FAKE_OPENCLAW: 'json', FAKE_OPENCLAW_ARGS_FILE: argsFile }, AbortSignal.timeout(10_000));
    expect(status).toMatchObject({ defaultModel: 'p/m' });
    expect(JSON.parse(readFileSync(argsFile, 'utf8'))).toEqual({ argv: ['models', 'status', '--json', '--check'], readonly: '1' });
  });

  it('skips a notice printed before the JSON', async () => {
    await expect(run('notice-then-json')).resolves.toMatchObject({ defaultModel: 'p/m' });
  });

  it.each([
    ['no JSON, with the reason it gave on stderr', 'nothing', 'printed no JSON (exit 0): [openclaw] Reason: the state database is busy'],
    ['a command error', 'error-json', 'Invalid config at /x/openclaw.json: - agents.ownership: required'],
  ])('rejects %s', async (_name, mode, message) => {
    await expect(run(mode)).rejects.toThrow(message);
  });

  it('kills a hung command at its deadline', async () => {
    const startedMs = performance.now();
    await expect(run('hang', AbortSignal.timeout(500))).rejects.toThrow(/ran out of time|aborted/);
    expect(performance.now() - startedMs).toBeLessThan(3_000);
  });

  it.each([
    [['openclaw', 'gateway', 'run'], ['openclaw']],
    [['/opt/oc/bin/openclaw', 'gateway', '--port', '1'], ['/opt/oc/bin/openclaw']],
    [['/usr/bin/node', '/opt/oc/node_modules/openclaw/openclaw.mjs', 'gateway'], ['/usr/bin/node', '/opt/oc/node_modules/openclaw/openclaw.mjs']],
    [['/usr/bin/node', 'fake-gateway.mjs'], null],
    [['run-gateway.sh', 'gateway'], null],
    [['gateway'], null],
  ])('finds the openclaw command in %j', (command, found) => {
    expect(findOpenclawArgv(command)).toEqual(found);
  });
});
