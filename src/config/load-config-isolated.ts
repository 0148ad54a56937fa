import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ClawsupError, ERROR_CATALOGUE, type ErrorCode } from '../errors.js';
import { locatorFor, type LoadedConfig } from './loaded-config.js';
import type { ClawsupConfig } from './schema.js';

// The daemon's bundle loads its config here, not with load-config.ts: a child runs the zod schema and answers
// (config-loader-child.ts), so the daemon never holds zod. The same messages, file:line:column and codes. As JSON,
// not v8.serialize: node:v8 stays loaded once used (0.2-0.4 MiB).
export type IsolatedAnswer = { ok: true; config: ClawsupConfig; configPath: string; text: string } | { ok: false; code: ErrorCode; message: string };

const LOADER_TIMEOUT_MS = 30_000;
const MAX_ANSWER_BYTES = 64 * 1024 * 1024;
const DEFAULT_LOADER_PATH = fileURLToPath(new URL('../config-loader.cjs', import.meta.url));

/** Reads, parses and validates a config file in a child; throws the ClawsupError load-config.ts would have thrown. */
export function loadConfig(path: string): LoadedConfig {
  return loadConfigWith(DEFAULT_LOADER_PATH, path);
}

export function loadConfigWith(loaderPath: string, path: string): LoadedConfig {
  const configPath = resolve(path);
  const child = spawnSync(process.execPath, [loaderPath, configPath], { stdio: ['ignore', 'pipe', 'pipe'], timeout: LOADER_TIMEOUT_MS, maxBuffer: MAX_ANSWER_BYTES });
  const cannotCheck = (why: string): ClawsupError => new ClawsupError('CLAWSUP_ERR_INTERNAL', `${configPath}: cannot check the config: ${why}`);
  if (child.error) {
    const code = (child.error as NodeJS.ErrnoException).code;
    throw cannotCheck(code === 'ETIMEDOUT' ? `the config loader did not answer within ${LOADER_TIMEOUT_MS / 1000} s` : `the config loader did not run: ${code ?? child.error.message}`);
  }
  let answer: IsolatedAnswer | null = null;
  try {
    answer = JSON.parse(child.stdout.toString('utf8')) as IsolatedAnswer;
  } catch {
    answer = null;
  }
  if (answer === null || typeof answer !== 'object') {
    // Node's own failure (a missing file, a crash) says what happened on its Error line, after the source excerpt.
    const lines = child.stderr.toString('utf8').split('\n').filter((line) => line.trim() !== '');
    const firstLine = lines.find((line) => /^\w*Error\b/.test(line)) ?? lines[0] ?? '';
    const ended = child.signal === null ? `exited ${child.status}` : `was ended by ${child.signal}`;
    throw cannotCheck(`the config loader ${loaderPath} ${ended} without an answer${firstLine === '' ? '' : `: ${firstLine.slice(0, 300)}`} (a broken install: reinstall clawsup)`);
  }
  if (!answer.ok) throw new ClawsupError(Object.hasOwn(ERROR_CATALOGUE, answer.code) ? answer.code : 'CLAWSUP_ERR_INTERNAL', answer.message);
  return { config: answer.config, configPath: answer.configPath, locate: locatorFor(answer.configPath, answer.text) };
}
