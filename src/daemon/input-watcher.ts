import { statSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import nodeWatch from 'node-watch';

// node-watch is CommonJS; its `default` property is the function in both module systems.
const watch = nodeWatch.default;

export interface InputWatcher {
  setPaths(paths: readonly string[]): void;
  close(): void;
}

const DEBOUNCE_MS = 250;

// Files this process wrote itself, by their fingerprint just after the write: clawsup's own write (the cron leader's
// cron.enabled in the gateway's config) is not an operator's fix, so it takes nobody out of diagnose mode.
const ownWrites = new Map<string, string>();

/** Called right after this process replaced a file a watcher may watch: that exact version is no change. */
export function noteOwnWrite(path: string): void {
  ownWrites.set(path, fingerprintOf(path).key);
}
// Files whose folder does not exist yet cannot be watched by the kernel: look at them this often instead.
const POLL_INTERVAL_MS = 5_000;

/**
 * Tells when a watched file really changed (content, replacement, appearance or removal), and when: its ctime (the
 * inode's last change: a write, a rename into place, a chmod), or now for a removal.
 */
export function createInputWatcher(onChange: (path: string, changedAtMs: number) => void): InputWatcher {
  const fingerprints = new Map<string, string>();
  const watchers = new Map<string, ReturnType<typeof watch>>();
  const debounceTimers = new Map<string, NodeJS.Timeout>();

  const check = (path: string): void => {
    const current = fingerprintOf(path);
    if (fingerprints.get(path) === current.key) return;
    fingerprints.set(path, current.key);
    if (ownWrites.get(path) === current.key) return;
    onChange(path, current.changedAtMs ?? Date.now());
  };
  const checkSoon = (path: string): void => {
    clearTimeout(debounceTimers.get(path));
    debounceTimers.set(path, setTimeout(() => check(path), DEBOUNCE_MS));
  };
  const poll = setInterval(() => {
    for (const path of fingerprints.keys()) check(path);
  }, POLL_INTERVAL_MS);
  poll.unref();

  const closeWatchers = (): void => {
    for (const watcher of watchers.values()) watcher.close();
    watchers.clear();
  };

  return {
    setPaths(paths: readonly string[]): void {
      const wanted = new Set(paths);
      // Paths watched already keep their fingerprint: a change seen but not yet checked must not be lost.
      for (const path of [...fingerprints.keys()]) if (!wanted.has(path)) fingerprints.delete(path);
      for (const path of wanted) if (!fingerprints.has(path)) fingerprints.set(path, fingerprintOf(path).key);
      const wantedDirs = new Set([...wanted].map((path) => dirname(path)));
      for (const [dir, watcher] of watchers) {
        if (wantedDirs.has(dir)) continue;
        watcher.close();
        watchers.delete(dir);
      }
      for (const dir of wantedDirs) {
        if (watchers.has(dir)) continue;
        try {
          const watcher = watch(dir, { recursive: false }, (_event: string, changed: string) => {
            for (const watched of fingerprints.keys()) {
              if (dirname(watched) === dir && (!changed || basename(String(changed)) === basename(watched))) checkSoon(watched);
            }
          });
          watcher.on('error', () => undefined);
          watchers.set(dir, watcher);
        } catch {
          // The folder is missing: the poll covers this path.
        }
      }
    },
    close(): void {
      clearInterval(poll);
      for (const timer of debounceTimers.values()) clearTimeout(timer);
      closeWatchers();
    },
  };
}

function fingerprintOf(path: string): { key: string; changedAtMs: number | null } {
  try {
    const stat = statSync(path);
    // ctime, not mtime: a file put back by rename or unpacked by npm (mtime 1985) changed here and now.
    return { key: `${stat.ino}:${stat.size}:${stat.mtimeMs}:${stat.ctimeMs}`, changedAtMs: Math.max(stat.mtimeMs, stat.ctimeMs) };
  } catch {
    return { key: 'missing', changedAtMs: null };
  }
}
