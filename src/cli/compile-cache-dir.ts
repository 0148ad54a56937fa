// Where clawctl may keep Node's compile cache (Node 22+), and whether a folder is safe for it. Pure.
// The cache is code that Node runs: a folder another user can write would let them run code as whoever runs clawctl
// (root, with sudo). So it lives under this user's own cache folder, and every folder on the way must be this user's
// or root's and writable by no one else; never the shared temp dir, which is Node's own default.
export interface FolderFacts {
  path: string;
  /** null: it does not exist (yet). */
  ownerUid: number | null;
  mode: number;
  isDirectory: boolean;
}

/** $XDG_CACHE_HOME/clawsup/node-compile-cache, or ~/.cache/clawsup/node-compile-cache; null with no usable home. */
export function compileCacheDirFor(env: Readonly<Record<string, string | undefined>>, homeDir: string): string | null {
  const xdg = env.XDG_CACHE_HOME;
  const trimmed = (path: string): string => path.replace(/\/+$/, '');
  if (xdg !== undefined && xdg.startsWith('/') && trimmed(xdg) !== '') return `${trimmed(xdg)}/clawsup/node-compile-cache`;
  return homeDir.startsWith('/') && trimmed(homeDir) !== '' ? `${trimmed(homeDir)}/.cache/clawsup/node-compile-cache` : null;
}

/** The folders from `/` down to `path`, the order they are checked in. */
export function foldersDownTo(path: string): string[] {
  const parts = path.split('/').filter((part) => part !== '' && part !== '.');
  return ['/', ...parts.map((_part, index) => `/${parts.slice(0, index + 1).join('/')}`)];
}

/** Whether every existing folder (from `/` down) is a real folder of `uid` or root that no one else may write. */
export function isPrivateToUser(folders: readonly FolderFacts[], uid: number): boolean {
  return folders.every(
    (folder) => folder.ownerUid === null || (folder.isDirectory && (folder.ownerUid === uid || folder.ownerUid === 0) && (folder.mode & 0o022) === 0),
  );
}
