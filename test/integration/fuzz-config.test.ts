import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { parseConfigText } from '../../src/config/load-config.js';
import { isClawsupError } from '../../src/errors.js';
import { CLAWSUPD, REPO_ROOT } from '../helpers/daemon.js';
import { mutateJson5 } from '../helpers/json5-mutator.js';
import { createRandom } from '../helpers/seeded-random.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const IN_PROCESS_CASES = 10_000;
const BINARY_CASES = 300;
const BINARY_CONCURRENCY = 4;
const seed = Number(process.env.CLAWSUP_FUZZ_SEED ?? Date.now() % 2 ** 31);

const SEEDS = [
  readFileSync(join(REPO_ROOT, 'packaging/config/production.json5'), 'utf8'),
  readFileSync(join(REPO_ROOT, 'packaging/config/demo.json5'), 'utf8'),
  `{
  gateway: { command: ["openclaw", "gateway"], env: { OPENCLAW_TOKEN: "abc" }, outputTailLines: 100 },
  restart: { initialDelayMs: 0, maxDelayMs: 10, multiplier: 1.5 },
  skills: { "daily-memory": { maxAgeMs: 90000000 } },
  log: { level: "debug" },
}`,
];

const temp = makeTempDir('cs-fuzz-');
afterAll(() => temp.remove());

/** What a located message looks like: every line starts with the file, then line:column when the parser knows it. */
function checkMessage(message: string, path: string): string | null {
  const lines = message.split('\n');
  for (const line of lines) {
    if (!line.startsWith(`${path}:`)) return `line does not start with the file: ${line}`;
    if (/\n\s+at |\bat .*\.(js|ts):\d+/.test(line)) return `stack trace: ${line}`;
  }
  if (message.includes('not valid JSON5') && !/^[^\n]*:\d+:\d+: not valid JSON5/.test(message) && !/: not valid JSON5: invalid end of input/.test(message)) {
    return `parse error without line:column: ${message}`;
  }
  return null;
}

function checkStderr(stderr: string, path: string): string | null {
  if (/\n\s+at |internal error/.test(stderr)) return `stack trace or internal error: ${stderr.slice(0, 300)}`;
  const body = stderr.replace(/^clawsupd: /, '').trimEnd();
  return checkMessage(body, path);
}

describe(`config fuzzing (seed ${seed}; CLAWSUP_FUZZ_SEED=${seed} replays it)`, () => {
  it(`${IN_PROCESS_CASES} mutated JSON5 configs through parseConfigText: valid, or a located ClawsupError`, () => {
    const random = createRandom(seed);
    const path = join(temp.path, 'clawsup.json5');
    const failures: string[] = [];
    let valid = 0;
    // Nothing may reach the console on the way (the daemon's stderr is for one located line).
    const warn = vi.spyOn(console, 'warn');
    for (let i = 0; i < IN_PROCESS_CASES && failures.length < 5; i += 1) {
      const text = mutateJson5(SEEDS[i % SEEDS.length] ?? '', random);
      try {
        parseConfigText(text, path);
        valid += 1;
      } catch (error) {
        if (!isClawsupError(error)) {
          failures.push(`case ${i}: ${(error as Error).name}: ${(error as Error).message}\n--- input:\n${text.slice(0, 400)}`);
          continue;
        }
        if (error.exitCode !== 78) failures.push(`case ${i}: exit code ${error.exitCode}`);
        const problem = checkMessage(error.message, path);
        if (problem) failures.push(`case ${i}: ${problem}\n--- input:\n${text.slice(0, 400)}`);
      }
    }
    expect(failures).toEqual([]);
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
    // The mutations must leave some configs valid, or the schema path is not being exercised.
    expect(valid).toBeGreaterThan(0);
    expect(valid).toBeLessThan(IN_PROCESS_CASES);
  });

  it(`${BINARY_CASES} of them through the real clawsupd --check: exit 0 or 78, one located message, no stack`, async () => {
    const random = createRandom(seed + 1);
    const failures: string[] = [];
    let next = 0;
    const runOne = async (): Promise<void> => {
      while (next < BINARY_CASES && failures.length < 5) {
        const i = next++;
        const path = join(temp.path, `case-${i}.json5`);
        const text = mutateJson5(SEEDS[i % SEEDS.length] ?? '', random);
        writeFileSync(path, text);
        const { code, stdout, stderr } = await runCheck(path);
        if (code === 0 && stdout.includes('config is valid') && stderr === '') continue;
        if (code !== 78) failures.push(`case ${i}: exit ${code}: ${stderr.slice(0, 300)}`);
        const problem = code === 78 ? checkStderr(stderr, path) : null;
        if (problem) failures.push(`case ${i}: ${problem}`);
      }
    };
    await Promise.all(Array.from({ length: BINARY_CONCURRENCY }, runOne));
    expect(failures).toEqual([]);
  }, 240_000);
});

function runCheck(path: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLAWSUPD, '--config', path, '--check'], {
      env: { ...process.env, NODE_EXTRA_CA_CERTS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}
