import { formatPath, locateJson5Paths } from './json5-locations.js';
import type { ClawsupConfig } from './schema.js';

export interface LoadedConfig {
  config: ClawsupConfig;
  configPath: string;
  /** "file:line:column" where a key's value is written (the file alone if it is not written): for errors found after loading. */
  locate(keyPath: readonly (string | number)[]): string;
}

/** Where each key of the config text `text` (read from `configPath`) is written. Pure. */
export function locatorFor(configPath: string, text: string): LoadedConfig['locate'] {
  return (keyPath) => {
    const where = locateJson5Paths(text).get(formatPath(keyPath));
    return where ? `${configPath}:${where.line}:${where.column}` : configPath;
  };
}
