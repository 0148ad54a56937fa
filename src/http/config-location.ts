import { readFileSync } from 'node:fs';
import { formatPath, locateJson5Paths } from '../config/json5-locations.js';

/** "file:line:column" where a key is written in the config file, or the file alone when it cannot be found. */
export function locateConfigKey(configPath: string, keyPath: readonly (string | number)[]): string {
  try {
    const where = locateJson5Paths(readFileSync(configPath, 'utf8')).get(formatPath(keyPath));
    return where ? `${configPath}:${where.line}:${where.column}` : configPath;
  } catch {
    return configPath;
  }
}
