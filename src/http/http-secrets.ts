import { readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { expandPath } from '../config/expand-path.js';
import type { ClawsupConfig } from '../config/schema.js';
import { ClawsupError, isClawsupError } from '../errors.js';
import { locateConfigKey } from './config-location.js';

export interface HttpSecrets {
  /** null when no http.tokenFile is set: then no request needs a token (a loopback listener only). */
  token: string | null;
  tls: { cert: Buffer; key: Buffer } | null;
}

const WORLD_READABLE = 0o004;
const GROUP_READABLE = 0o040;

/** Reads http.tokenFile and the TLS files, refusing with the key's place in the config when one cannot be used. */
export function readHttpSecrets(http: ClawsupConfig['http'], configPath: string): HttpSecrets {
  const baseDir = dirname(configPath);
  const read = (keyPath: string[], path: string, isSecret: boolean): Buffer => {
    const fullPath = expandPath(path, baseDir);
    const refuse = (why: string): never => {
      throw new ClawsupError('CLAWSUP_ERR_HTTP_SECRET', `${locateConfigKey(configPath, keyPath)}: ${keyPath.join('.')}: ${fullPath}: ${why}`);
    };
    let content: Buffer;
    try {
      const stats = statSync(fullPath);
      if (!stats.isFile()) refuse('not a regular file');
      const mode = (stats.mode & 0o777).toString(8).padStart(4, '0');
      if (isSecret && (stats.mode & WORLD_READABLE) !== 0) refuse(`readable by every user (mode ${mode}): chmod 600 it`);
      // Only clawsupd's user: a group may hold people who should not read the node's token or key.
      if (isSecret && (stats.mode & GROUP_READABLE) !== 0) refuse(`readable by its group (mode ${mode}): chmod 600 it, so that only clawsupd's user reads it`);
      // Its owner can read it whatever the mode, and replace the token: that must be clawsupd's user (or root).
      const uid = process.geteuid?.();
      if (isSecret && uid !== undefined && stats.uid !== uid && stats.uid !== 0) refuse(`owned by uid ${stats.uid}, not by clawsupd's user (uid ${uid}) or root: chown it to clawsupd's user`);
      content = readFileSync(fullPath);
    } catch (error) {
      if (isClawsupError(error)) throw error;
      const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
      const why: Record<string, string> = { ENOENT: 'no such file', EACCES: 'permission denied (clawsupd runs as this user and must read it)', ENOTDIR: 'a folder on the way is a file' };
      return refuse(`cannot read it: ${why[code] ?? code}`);
    }
    if (content.toString('utf8').trim() === '') refuse('the file is empty');
    return content;
  };
  const token = http.tokenFile === undefined ? null : read(['http', 'tokenFile'], http.tokenFile, true).toString('utf8').trim();
  if (token !== null && /\s/.test(token)) {
    throw new ClawsupError('CLAWSUP_ERR_HTTP_SECRET', `${locateConfigKey(configPath, ['http', 'tokenFile'])}: http.tokenFile: the token holds white space; write it on one line, alone`);
  }
  const tls = http.tls === undefined ? null : { cert: read(['http', 'tls', 'certFile'], http.tls.certFile, false), key: read(['http', 'tls', 'keyFile'], http.tls.keyFile, true) };
  return { token, tls };
}
