// dist/config-loader.cjs: clawsupd's config loader, run as a short-lived child (load-config-isolated.ts), so that zod
// and its schemas (about 8 MiB of heap, and the parse of their source) never live in the daemon.
// Usage: node dist/config-loader.cjs CONFIG_PATH; stdout: one IsolatedAnswer as JSON (a checked config holds only
// JSON's values: its numbers are bounded, and no key is set to undefined).
import { writeSync } from 'node:fs';
import { resolve } from 'node:path';
import { isClawsupError } from '../errors.js';
import { parseConfigText, readConfigText } from './load-config.js';
import type { IsolatedAnswer } from './load-config-isolated.js';

function answer(path: string | undefined): IsolatedAnswer {
  if (path === undefined) return { ok: false, code: 'CLAWSUP_ERR_USAGE', message: 'usage: config-loader.cjs CONFIG_PATH' };
  try {
    const configPath = resolve(path);
    const text = readConfigText(configPath);
    return { ok: true, config: parseConfigText(text, configPath), configPath, text };
  } catch (error) {
    if (isClawsupError(error)) return { ok: false, code: error.code, message: error.message };
    return { ok: false, code: 'CLAWSUP_ERR_INTERNAL', message: `${path}: cannot load the config: ${(error as Error).message ?? String(error)}` };
  }
}

const bytes = Buffer.from(JSON.stringify(answer(process.argv[2])), 'utf8');
for (let written = 0; written < bytes.length; ) written += writeSync(1, bytes, written);
