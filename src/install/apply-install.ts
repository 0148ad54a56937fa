import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { chownSync, existsSync, lstatSync, mkdirSync, readFileSync, rmdirSync, rmSync, symlinkSync } from 'node:fs';
import type { InstallManifest, ManifestEntry } from './install-manifest.js';
import type { InstallAction } from './plan-install.js';
import type { UninstallAction } from './plan-uninstall.js';
import { writeFileAtomic, writeJsonAtomic } from '../status/atomic-file.js';
import type { CommandRunner } from './command-runner.js';
import { underRoot } from './install-root.js';

export interface ApplyOptions {
  root: string;
  runner: CommandRunner;
  /** Off under a test root: a staging tree must not start or stop anything on the live system. */
  shouldRunCommands: boolean;
  report: (line: string) => void;
}

/** Carries out an install plan, recording each step that took effect; stops at the first failure and says which. */
export async function applyInstall(actions: readonly InstallAction[], options: ApplyOptions): Promise<{ entries: ManifestEntry[]; failure: string | null }> {
  const entries: ManifestEntry[] = [];
  for (const action of actions) {
    const path = 'path' in action ? underRoot(options.root, action.path) : '';
    try {
      switch (action.type) {
        case 'mkdir':
          // Each directory made is recorded, parents first, so uninstall removes exactly those.
          for (const dir of listMissingDirs(action.path, options.root)) {
            mkdirSync(underRoot(options.root, dir));
            entries.push({ type: 'mkdir', path: dir });
          }
          break;
        case 'symlink':
          rmSync(path, { force: true });
          symlinkSync(action.target, path);
          entries.push({ type: 'symlink', path: action.path, target: action.target });
          break;
        case 'write-file':
          writeFileAtomic(path, action.content, { mode: action.mode, isDurable: true });
          if (action.group !== undefined) chownSync(path, -1, action.group);
          entries.push({ type: 'file', path: action.path, sha256: hashText(action.content) });
          break;
        case 'run': {
          if (!options.shouldRunCommands) {
            options.report(`skipped (CLAWSUP_ROOT is set): ${action.argv.join(' ')}`);
            break;
          }
          const result = await options.runner(action.argv, action.timeoutMs);
          if (result.code !== 0) return { entries, failure: `${action.argv.join(' ')} failed (exit ${result.code}): ${result.stderr.trim()}` };
          entries.push({ type: 'run', argv: action.argv, undo: action.undo });
          break;
        }
        case 'note':
          options.report(action.text);
          break;
      }
    } catch (error) {
      return { entries, failure: `${path}: ${(error as Error).message}` };
    }
  }
  return { entries, failure: null };
}

/** Carries out an uninstall plan; a failing step is reported and the rest still runs, so as much as possible is undone. */
export async function applyUninstall(actions: readonly UninstallAction[], options: ApplyOptions): Promise<string[]> {
  const failures: string[] = [];
  for (const action of actions) {
    try {
      switch (action.type) {
        case 'run': {
          if (!options.shouldRunCommands) {
            options.report(`skipped (CLAWSUP_ROOT is set): ${action.argv.join(' ')}`);
            break;
          }
          const result = await options.runner(action.argv, action.timeoutMs);
          if (result.code !== 0) failures.push(`${action.argv.join(' ')} failed (exit ${result.code}): ${result.stderr.trim()}`);
          break;
        }
        case 'remove':
          rmSync(underRoot(options.root, action.path), { force: true });
          break;
        case 'remove-dir-if-empty':
          removeDirIfEmpty(underRoot(options.root, action.path));
          break;
        case 'note':
          options.report(action.text);
          break;
      }
    } catch (error) {
      failures.push(`${action.type === 'run' || action.type === 'note' ? action.type : action.path}: ${(error as Error).message}`);
    }
  }
  return failures;
}

export function readManifest(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}

export function writeManifest(path: string, manifest: InstallManifest): void {
  writeJsonAtomic(path, manifest, { isDurable: true });
}

/** sha256 of each recorded file as it is now; null when it is gone. */
export function hashFiles(root: string, paths: readonly string[]): Map<string, string | null> {
  const hashes = new Map<string, string | null>();
  for (const path of paths) {
    try {
      hashes.set(path, lstatSync(underRoot(root, path)).isFile() ? hashText(readFileSync(underRoot(root, path), 'utf8')) : null);
    } catch {
      hashes.set(path, null);
    }
  }
  return hashes;
}

function listMissingDirs(path: string, root: string): string[] {
  const missing: string[] = [];
  for (let dir = path; !existsSync(underRoot(root, dir)); dir = posix.dirname(dir)) missing.unshift(dir);
  return missing;
}

function hashText(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function removeDirIfEmpty(path: string): void {
  try {
    rmdirSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;
  }
}
