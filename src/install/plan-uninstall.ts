import type { InstallManifest } from './install-manifest.js';

export type UninstallAction =
  | { type: 'run'; argv: string[]; timeoutMs?: number }
  | { type: 'remove'; path: string }
  | { type: 'remove-dir-if-empty'; path: string }
  | { type: 'note'; text: string };

// An undo such as `systemctl disable --now` returns once the unit stopped: the gateway drains up to 315 s, and the
// units' TimeoutStopSec is 345 s.
const UNDO_TIMEOUT_MS = 360_000;

/**
 * Takes back what the manifest says install did, newest first. A file changed since install (the config, edited
 * by its operator) is kept and named: uninstall never destroys someone's work. `currentHashes` maps path to sha256.
 */
export function planUninstall(manifest: InstallManifest, currentHashes: ReadonlyMap<string, string | null>, manifestFile: string): UninstallAction[] {
  const actions: UninstallAction[] = [];
  for (const entry of [...manifest.entries].reverse()) {
    switch (entry.type) {
      case 'run':
        for (const argv of entry.undo) actions.push({ type: 'run', argv, timeoutMs: UNDO_TIMEOUT_MS });
        break;
      case 'symlink':
        actions.push({ type: 'remove', path: entry.path });
        break;
      case 'file': {
        const current = currentHashes.get(entry.path) ?? null;
        if (current === null) break;
        if (current === entry.sha256) actions.push({ type: 'remove', path: entry.path });
        else actions.push({ type: 'note', text: `kept ${entry.path}: changed since install (remove it yourself if unwanted)` });
        break;
      }
      case 'mkdir':
        actions.push({ type: 'remove-dir-if-empty', path: entry.path });
        break;
    }
  }
  if (manifest.platform === 'linux') actions.push({ type: 'run', argv: manifest.scope === 'user' ? ['systemctl', '--user', 'daemon-reload'] : ['systemctl', 'daemon-reload'] });
  // The manifest lives in a directory install made: remove it before that directory's turn comes.
  const manifestRemoval: UninstallAction = { type: 'remove', path: manifestFile };
  const firstDirIndex = actions.findIndex((action) => action.type === 'remove-dir-if-empty');
  if (firstDirIndex < 0) actions.push(manifestRemoval);
  else actions.splice(firstDirIndex, 0, manifestRemoval);
  return actions;
}

export function describeUninstallAction(action: UninstallAction): string {
  switch (action.type) {
    case 'run':
      return `run ${action.argv.join(' ')}`;
    case 'remove':
      return `remove ${action.path}`;
    case 'remove-dir-if-empty':
      return `remove directory ${action.path} if empty`;
    case 'note':
      return `note: ${action.text}`;
  }
}
