import { spawn } from 'node:child_process';

// The child only writes one file: longer than this and something is wrong with the disk or the node binary.
const WRITE_TIMEOUT_MS = 10_000;

/**
 * Written by a child running as the folder's owner: its own temp file (random name, created new, never through a
 * link), fsynced, renamed into place. Self-contained, because clawctl may run from a bundle with no modules beside it.
 */
const CHILD_SCRIPT = `
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');
const [target, modeText] = process.argv.slice(1);
const chunks = [];
process.stdin.on('data', (chunk) => chunks.push(chunk));
process.stdin.on('end', () => {
  let temp = null;
  try {
    const dir = path.dirname(target);
    fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
    temp = path.join(dir, '.' + path.basename(target) + '.' + crypto.randomBytes(8).toString('hex') + '.tmp');
    const { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW } = fs.constants;
    const fd = fs.openSync(temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, Number(modeText));
    try {
      fs.writeSync(fd, Buffer.concat(chunks));
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temp, target);
  } catch (error) {
    try {
      if (temp !== null) fs.unlinkSync(temp);
    } catch {
      // Never made, or already renamed.
    }
    process.stderr.write(String(error.code || error.message));
    process.exitCode = 1;
  }
});
`;

export interface Owner {
  uid: number;
  gid: number;
}

/**
 * Writes `content` to `path` as `owner` (root only: the child drops to that uid and gid, with no supplementary
 * groups), so root never creates or replaces a file inside another user's folder itself.
 * Resolves with null, or with the child's error code.
 */
export function writeFileAsOwner(path: string, content: string, owner: Owner, mode = 0o644): Promise<string | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-e', CHILD_SCRIPT, path, String(mode)], {
      uid: owner.uid,
      gid: owner.gid,
      cwd: '/',
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), WRITE_TIMEOUT_MS);
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve(error.code ?? error.message);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(null);
      else resolve(stderr.trim().slice(0, 200) || (signal === null ? `exit ${code}` : `killed by ${signal}`));
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(content);
  });
}
