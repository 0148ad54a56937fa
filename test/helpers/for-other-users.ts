// What a test runs as another user (uid 65534) goes into a world-readable folder of its own: the checkout may sit under
// a folder only root can enter (mktemp -d is 0700, and so is /root), and such a test is about the code, not the clone.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { CLAWCTL, CLAWSUPD, REPO_ROOT } from './daemon.js';

export const NOBODY = 65534;
// Where clawsupd and clawctl are in a checkout (and so in its copy): the files the other suites run.
export const CLAWSUPD_IN_PACKAGE = relative(REPO_ROOT, CLAWSUPD);
export const CLAWCTL_IN_PACKAGE = relative(REPO_ROOT, CLAWCTL);
// In node_modules, what Node never loads: types, TypeScript sources, source maps, docs (three files in four, by count).
const NOT_RUN = /\.(ts|cts|mts|map|md)$/;

export interface PackageCopy {
  /** The copy's root: package.json, dist/, node_modules/ (production packages only), test/fixtures/. */
  root: string;
  clawsupd: string;
  clawctl: string;
  fixtures: string;
  /** A node uid 65534 can run: process.execPath, or a copy beside the package when that one is out of its reach. */
  node: string;
}

/** A fresh 0755 folder in `parent` (os.tmpdir()) that uid 65534 can reach; if it cannot, an error names the folder in its way. */
export function makeWorldReadableDir(prefix: string, parent = tmpdir()): { path: string; remove(): void } {
  const path = mkdtempSync(join(parent, prefix));
  chmodSync(path, 0o755);
  try {
    assertReachableByOthers(path);
  } catch (error) {
    rmSync(path, { recursive: true, force: true });
    throw error;
  }
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/**
 * Copies what clawsupd and clawctl need at run time (package.json, the built dist/, the production node_modules) and
 * the test fixtures of `checkout` into `dest` (made here, in a folder uid 65534 can reach), folders 0755, files 0644/0755.
 */
export function copyPackageForOthers(dest: string, checkout = REPO_ROOT): PackageCopy {
  assertReachableByOthers(dirname(dest));
  if (!existsSync(join(checkout, CLAWSUPD_IN_PACKAGE))) throw new Error(`no ${join(checkout, CLAWSUPD_IN_PACKAGE)}: build first (npm run build)`);
  const packages = listProductionPackages(checkout);
  mkdirSync(dest);
  copyFileSync(join(checkout, 'package.json'), join(dest, 'package.json'));
  // dereference: a symlink copied as such would point back into the checkout.
  for (const tree of ['dist', 'test/fixtures']) cpSync(join(checkout, tree), join(dest, tree), { recursive: true, dereference: true });
  for (const tree of packages) {
    cpSync(join(checkout, tree), join(dest, tree), { recursive: true, dereference: true, filter: (path) => !NOT_RUN.test(path) });
  }
  openToOthers(dest);
  return {
    root: dest,
    clawsupd: join(dest, CLAWSUPD_IN_PACKAGE),
    clawctl: join(dest, CLAWCTL_IN_PACKAGE),
    fixtures: join(dest, 'test/fixtures'),
    node: findNodeForOthers(dest),
  };
}

/** `own` (this node) if uid 65534 can run it, else a copy of it in `dir`; throws saying why and what to do if neither runs. */
export function findNodeForOthers(dir: string, own = process.execPath): string {
  const asIs = own === process.execPath ? (ownNodeAsOther ??= { failure: tryNodeAsOther(own) }).failure : tryNodeAsOther(own);
  if (asIs === null) return own;
  const copy = join(dir, 'node');
  if (!existsSync(copy)) {
    copyFileSync(own, copy);
    chmodSync(copy, 0o755);
  }
  const copied = tryNodeAsOther(copy);
  if (copied === null) return copy;
  throw new Error(
    `uid ${NOBODY} cannot run node, which these tests run clawsupd with as that user: ${own} fails (${asIs}), ` +
      `and so does a copy at ${copy} (${copied}). Install node where every user can run it (e.g. /usr/local/bin, ` +
      `not under a 0700 home such as /root/.nvm), or point TMPDIR at a folder every user can enter on a filesystem ` +
      `mounted without noexec.`,
  );
}

// Whether uid 65534 can run process.execPath does not change while the tests run: asked once.
let ownNodeAsOther: { failure: string | null } | undefined;

// null when uid 65534 ran `node -e ''`; else why not, the folder in its way named first. Through env: setpriv (2.38)
// still execs a program behind a 0700 folder itself, which systemd's User= does not; env's exec is the user's own.
function tryNodeAsOther(node: string): string | null {
  const run = spawnSync('setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', 'env', node, '-e', ''], {
    env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', NODE_EXTRA_CA_CERTS: '' },
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (run.error !== undefined) throw new Error(`cannot run setpriv to try node as uid ${NOBODY}: ${run.error.message}`);
  if (run.status === 0) return null;
  const output = `${run.stderr}`.trim().split('\n')[0] ?? '';
  const blocked = findBlockingFolder(node);
  return [blocked, output || `exit ${run.status ?? run.signal}`].filter((part) => part !== undefined).join('; ');
}

function assertReachableByOthers(dir: string): void {
  const blocked = findBlockingFolder(join(dir, '.'));
  if (blocked !== undefined) {
    throw new Error(`uid ${NOBODY} cannot reach ${dir}: ${blocked}. Point TMPDIR at a folder every user can enter (e.g. /tmp).`);
  }
}

/** The first folder on the way to `path` that uid 65534 may not enter (no ACLs, as no test sets any). */
function findBlockingFolder(path: string): string | undefined {
  let dir = dirname(path);
  const folders: string[] = [];
  for (;;) {
    folders.unshift(dir);
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  for (const folder of folders) {
    const stat = statSync(folder);
    const bit = stat.uid === NOBODY ? 0o100 : stat.gid === NOBODY ? 0o010 : 0o001;
    if ((stat.mode & bit) === 0) return `${folder} is ${(stat.mode & 0o777).toString(8).padStart(4, '0')}, owned by uid ${stat.uid}`;
  }
  return undefined;
}

/** Folders 0755, files 0644, or 0755 when their owner may run them: a clone made under umask 077 stays readable too. */
function openToOthers(path: string): void {
  const stat = lstatSync(path);
  if (stat.isSymbolicLink()) return;
  if (stat.isDirectory()) {
    chmodSync(path, 0o755);
    for (const entry of readdirSync(path)) openToOthers(join(path, entry));
    return;
  }
  chmodSync(path, (stat.mode & 0o100) === 0 ? 0o644 : 0o755);
}

/** The package folders (relative to root) an install with --omit=dev has: dependencies, followed as Node resolves them. */
function listProductionPackages(checkout: string): string[] {
  const root = realpathSync(checkout);
  const found = new Set<string>();
  const visit = (fromDir: string, name: string, isRequired: boolean): void => {
    for (let dir = fromDir; ; dir = dirname(dir)) {
      const candidate = join(dir, 'node_modules', name);
      if (existsSync(join(candidate, 'package.json'))) {
        const real = realpathSync(candidate);
        if (found.has(real)) return;
        found.add(real);
        for (const [dependency, required] of listDependencies(real)) visit(real, dependency, required);
        return;
      }
      if (dir === root || dirname(dir) === dir) break;
    }
    if (isRequired) throw new Error(`${name}, needed by ${relative(root, fromDir) || 'clawsup'}, is not installed: run npm ci`);
  };
  for (const [dependency, required] of listDependencies(root)) visit(root, dependency, required);
  const dirs = [...found].map((dir) => relative(root, dir));
  // A package nested in another's node_modules comes with it.
  return dirs.filter((dir) => !dirs.some((other) => other !== dir && dir.startsWith(`${other}/node_modules/`)));
}

function listDependencies(packageDir: string): Array<[string, boolean]> {
  const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
  return [
    ...Object.keys(manifest['dependencies'] ?? {}).map((name): [string, boolean] => [name, true]),
    // Optional ones (node-unix-socket's binary for this platform) and peers (prom-client's @opentelemetry/api) if there.
    ...Object.keys(manifest['optionalDependencies'] ?? {}).map((name): [string, boolean] => [name, false]),
    ...Object.keys(manifest['peerDependencies'] ?? {}).map((name): [string, boolean] => [name, false]),
  ];
}
