import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import JSON5 from 'json5';
import { ClawsupError } from '../errors.js';
import { expandPath } from './expand-path.js';
import { formatConfigIssues } from './format-issues.js';
import { locateJson5Paths } from './json5-locations.js';
import { configSchema, type ClawsupConfig } from './schema.js';

export interface LoadedConfig {
  config: ClawsupConfig;
  configPath: string;
}

/** Reads, parses and validates a config file; throws a ClawsupError whose message names file, line, column and key. */
export function loadConfig(path: string, homeDir?: string): LoadedConfig {
  const configPath = resolve(path);
  const text = readConfigText(configPath);
  return { config: parseConfigText(text, configPath, homeDir), configPath };
}

export function parseConfigText(text: string, configPath: string, homeDir?: string): ClawsupConfig {
  let raw: unknown;
  try {
    raw = JSON5.parse(text);
  } catch (error) {
    const { lineNumber, columnNumber, message } = error as { lineNumber?: number; columnNumber?: number; message: string };
    const where = lineNumber ? `${configPath}:${lineNumber}:${columnNumber ?? 1}` : configPath;
    const detail = message.replace(/^JSON5: /, '').replace(/ at \d+:\d+$/, '');
    throw new ClawsupError('CLAWSUP_ERR_CONFIG_PARSE', `${where}: not valid JSON5: ${detail}`);
  }
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    const lines = formatConfigIssues(result.error.issues, configPath, locateJson5Paths(text), raw);
    throw new ClawsupError('CLAWSUP_ERR_CONFIG_INVALID', lines.join('\n'));
  }
  return resolveConfigPaths(result.data, dirname(configPath), homeDir);
}

function readConfigText(configPath: string): string {
  try {
    return readFileSync(configPath, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    const why: Record<string, string> = {
      ENOENT: 'no such file',
      EACCES: 'permission denied',
      EISDIR: 'is a directory, not a file',
    };
    throw new ClawsupError('CLAWSUP_ERR_CONFIG_READ', `${configPath}: cannot read config: ${why[code] ?? code}`, { cause: error });
  }
}

/** Paths may start with `~/`; relative ones are taken from the config file's folder. */
function resolveConfigPaths(config: ClawsupConfig, baseDir: string, homeDir?: string): ClawsupConfig {
  const expand = (path: string): string => expandPath(path, baseDir, homeDir);
  return {
    ...config,
    gateway: {
      ...config.gateway,
      cwd: config.gateway.cwd === undefined ? undefined : expand(config.gateway.cwd),
      openclawConfigPath: config.gateway.openclawConfigPath === undefined ? undefined : expand(config.gateway.openclawConfigPath),
    },
    control: { ...config.control, socket: expand(config.control.socket) },
    status: { ...config.status, dir: expand(config.status.dir) },
    log: { ...config.log, file: config.log.file === undefined ? undefined : expand(config.log.file) },
  };
}
