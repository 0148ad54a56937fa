import { posix } from 'node:path';

/** Every path install, uninstall and doctor touch sits under this root: `/` normally, a temp dir in tests (CLAWSUP_ROOT). */
export function readInstallRoot(env: NodeJS.ProcessEnv): string {
  const root = env.CLAWSUP_ROOT;
  return root === undefined || root === '' ? '/' : root;
}

export function underRoot(root: string, path: string): string {
  return root === '/' ? path : posix.join(root, path);
}
