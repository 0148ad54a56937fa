import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import JSON5 from 'json5';
import { ClawsupError } from '../errors.js';
import { expandPath } from './expand-path.js';
import { isHomeRelative, readConfigScope, systemPathsFor, type ConfigScope } from './path-defaults.js';
import { formatConfigIssues } from './format-issues.js';
import { formatPath, locateJson5Paths } from './json5-locations.js';
import { locatorFor, type LoadedConfig } from './loaded-config.js';
import { findPathDeeperThan, MAX_CONFIG_DEPTH } from './nesting-depth.js';
import { configSchema, type ClawsupConfig } from './schema.js';

export type { LoadedConfig };

/**
 * Reads, parses and validates a config file; throws a ClawsupError whose message names file, line, column and key.
 * `scope` defaults to what the file's place and CLAWSUP_SCOPE say (see readConfigScope).
 */
export function loadConfig(path: string, homeDir?: string, scope?: ConfigScope): LoadedConfig {
  const configPath = resolve(path);
  const text = readConfigText(configPath);
  return { config: parseConfigText(text, configPath, homeDir, scope), configPath, locate: locatorFor(configPath, text) };
}

// JSON5 takes these invisible separators as line breaks, or warns on stderr about them inside strings.
const INVISIBLE_SEPARATOR = /[\u2028\u2029]/;

export function parseConfigText(
  text: string,
  configPath: string,
  homeDir?: string,
  scope: ConfigScope = readConfigScope(configPath, process.env.CLAWSUP_SCOPE),
): ClawsupConfig {
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
  const deepPath = findPathDeeperThan(raw, MAX_CONFIG_DEPTH);
  if (deepPath) {
    const where = locateJson5Paths(text).get(formatPath(deepPath));
    const shown = deepPath.length > 6 ? `${formatPath(deepPath.slice(0, 6))}...` : formatPath(deepPath);
    const prefix = where ? `${configPath}:${where.line}:${where.column}` : configPath;
    throw new ClawsupError('CLAWSUP_ERR_CONFIG_INVALID', `${prefix}: ${shown || '(top level)'}: nested deeper than ${MAX_CONFIG_DEPTH} levels (a clawsup config needs at most 5)`);
  }
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    const lines = formatConfigIssues(result.error.issues, configPath, locateJson5Paths(text), raw);
    throw new ClawsupError('CLAWSUP_ERR_CONFIG_INVALID', lines.join('\n'));
  }
  if (scope === 'user') return resolveConfigPaths(result.data, dirname(configPath), homeDir);
  const homePaths = listHomePaths(raw as Record<string, unknown>);
  if (homePaths.length > 0) {
    const locations = locateJson5Paths(text);
    const lines = homePaths.map(({ keyPath, value }) => {
      const where = locations.get(formatPath(keyPath));
      const prefix = where ? `${configPath}:${where.line}:${where.column}` : configPath;
      return `${prefix}: ${formatPath(keyPath)}: a system config may not use ~/, found ${JSON.stringify(value)} (~ is the home of whoever reads the file: root for sudo clawctl, the service's user for clawsupd); write an absolute path`;
    });
    throw new ClawsupError('CLAWSUP_ERR_CONFIG_INVALID', lines.join('\n'));
  }
  return resolveConfigPaths(withSystemDefaults(result.data, raw as Record<string, unknown>), dirname(configPath), homeDir);
}

const PATH_KEYS: ReadonlyArray<readonly [string, string]> = [
  ['gateway', 'cwd'],
  ['gateway', 'openclawConfigPath'],
  ['control', 'socket'],
  ['status', 'dir'],
  ['log', 'file'],
];

function readWritten(raw: Record<string, unknown>, section: string, key: string): unknown {
  const value = raw[section];
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
}

function listHomePaths(raw: Record<string, unknown>): Array<{ keyPath: string[]; value: string }> {
  return PATH_KEYS.flatMap(([section, key]) => {
    const value = readWritten(raw, section, key);
    return typeof value === 'string' && isHomeRelative(value) ? [{ keyPath: [section, key], value }] : [];
  });
}

/** A system config that leaves the socket or status dir out gets the system paths, not the schema's ~/ ones. */
function withSystemDefaults(config: ClawsupConfig, raw: Record<string, unknown>): ClawsupConfig {
  const system = systemPathsFor(process.platform);
  return {
    ...config,
    control: { ...config.control, socket: readWritten(raw, 'control', 'socket') === undefined ? system.controlSocket : config.control.socket },
    status: { ...config.status, dir: readWritten(raw, 'status', 'dir') === undefined ? system.statusDir : config.status.dir },
  };
}

export function readConfigText(configPath: string): string {
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
