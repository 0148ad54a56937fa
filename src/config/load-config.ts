import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import JSON5 from 'json5';
import { ClawsupError } from '../errors.js';
import { expandPath } from './expand-path.js';
import { formatConfigIssues } from './format-issues.js';
import { formatPath, locateJson5Paths } from './json5-locations.js';
import { configSchema, type ClawsupConfig } from './schema.js';

export interface LoadedConfig {
  config: ClawsupConfig;
  configPath: string;
  /** "file:line:column" where a key's value is written (the file alone if it is not written): for errors found after loading. */
  locate(keyPath: readonly (string | number)[]): string;
}

/** Reads, parses and validates a config file; throws a ClawsupError whose message names file, line, column and key. */
export function loadConfig(path: string, homeDir?: string): LoadedConfig {
  const configPath = resolve(path);
  const text = readConfigText(configPath);
  const locate = (keyPath: readonly (string | number)[]): string => {
    const where = locateJson5Paths(text).get(formatPath(keyPath));
    return where ? `${configPath}:${where.line}:${where.column}` : configPath;
  };
  return { config: parseConfigText(text, configPath, homeDir), configPath, locate };
}

// JSON5 takes these invisible separators as line breaks, or warns on stderr about them inside strings.
const INVISIBLE_SEPARATOR = /[\u2028\u2029]/;

export function parseConfigText(text: string, configPath: string, homeDir?: string): ClawsupConfig {
  const separator = INVISIBLE_SEPARATOR.exec(text);
  if (separator) {
    const before = text.slice(0, separator.index);
    const line = before.split('\n').length;
    const column = separator.index - before.lastIndexOf('\n');
    const name = separator[0] === '\u2028' ? 'U+2028 LINE SEPARATOR' : 'U+2029 PARAGRAPH SEPARATOR';
    throw new ClawsupError('CLAWSUP_ERR_CONFIG_PARSE', `${configPath}:${line}:${column}: not valid JSON5: invisible ${name} (write \\u${separator[0].charCodeAt(0).toString(16)} if it is meant)`);
  }
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
