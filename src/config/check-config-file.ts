import { loadConfig } from './load-config.js';

export interface ConfigCheck {
  ok: boolean;
  configPath: string;
  /** The loader's located messages, one line each; empty when the file is valid. */
  errors: string[];
}

/** Reads the config file again and says whether it is valid, without touching the running config. */
export function checkConfigFile(configPath: string, load: (path: string) => unknown = loadConfig): ConfigCheck {
  try {
    load(configPath);
    return { ok: true, configPath, errors: [] };
  } catch (error) {
    return { ok: false, configPath, errors: (error as Error).message.split('\n') };
  }
}
