import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import JSON5 from 'json5';
import type { ClawsupConfig } from '../config/schema.js';

export interface OpenclawConfigRead {
  path: string;
  /** The parsed file; null when it could not be read or parsed (then `error` says why). */
  parsed: unknown;
  error: string | null;
}

/**
 * The OpenClaw config clawsupd knows of: `gateway.openclawConfigPath`, else ~/.openclaw/openclaw.json when it exists;
 * null when there is none. Never throws: the probes, the redaction and doctor each judge a bad file their own way.
 */
export function readOpenclawConfig(config: ClawsupConfig, env: NodeJS.ProcessEnv): OpenclawConfigRead | null {
  const configured = config.gateway.openclawConfigPath;
  const path = configured ?? join(env['HOME'] ?? homedir(), '.openclaw', 'openclaw.json');
  if (configured === undefined && !existsSync(path)) return null;
  try {
    return { path, parsed: JSON5.parse(readFileSync(path, 'utf8')), error: null };
  } catch (error) {
    return { path, parsed: null, error: (error as Error).message.split('\n')[0] ?? 'unreadable' };
  }
}
