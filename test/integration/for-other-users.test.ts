// The helper the systemd and control-permissions suites run things as uid 65534 through: a checkout (or a node) under
// a folder only root can enter is copied where that user can run it, or the failure says why and what to do.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLAWCTL_IN_PACKAGE, CLAWSUPD_IN_PACKAGE, copyPackageForOthers, findNodeForOthers, makeWorldReadableDir, NOBODY } from '../helpers/for-other-users.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const isRoot = process.getuid?.() === 0;
if (!isRoot) console.log('for-other-users: skipped, a second uid needs root (setpriv)');

const temps: Array<{ remove(): void }> = [];
afterEach(() => {
  for (const temp of temps.splice(0)) temp.remove();
});

/** A folder only root can enter (mkdtemp makes it 0700), as `mktemp -d` is. */
function makeClosedDir(): string {
  const temp = makeTempDir('cs-closed-');
  temps.push(temp);
  return temp.path;
}

function makeOpenDir(): string {
  const temp = makeWorldReadableDir('cs-open-');
  temps.push(temp);
  return temp.path;
}

// Through env, as the helper does: setpriv itself can still exec a program behind a 0700 folder.
function runAsNobody(argv: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync('setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', 'env', ...argv], { encoding: 'utf8', env: { PATH: '/usr/bin:/bin', NODE_EXTRA_CA_CERTS: '' } });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

// Files 0600 and folders 0700, as a clone made under umask 077 has them.
function writePrivate(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, text, { mode: 0o600 });
}

describe.skipIf(!isRoot)('copies for uid 65534 (as root)', () => {
  it('copies a checkout under a 0700 folder with its production packages, followed as Node resolves them, all readable by uid 65534', () => {
    const checkout = join(makeClosedDir(), 'main');
    writePrivate(join(checkout, 'package.json'), JSON.stringify({ name: 'fake', dependencies: { 'dep-a': '1' }, optionalDependencies: { 'not-installed': '1' }, devDependencies: { 'dev-only': '1' } }));
    writePrivate(join(checkout, 'node_modules/dep-a/package.json'), JSON.stringify({ name: 'dep-a', main: 'index.js', dependencies: { 'dep-b': '1' } }));
    writePrivate(join(checkout, 'node_modules/dep-a/index.js'), "module.exports = 'a+' + require('dep-b');\n");
    writePrivate(join(checkout, 'node_modules/dep-a/index.d.ts'), 'export {};\n');
    writePrivate(join(checkout, 'node_modules/dep-a/README.md'), '# dep-a\n');
    // dep-a's own copy of dep-c, nested in its node_modules, is the one Node finds for it.
    writePrivate(join(checkout, 'node_modules/dep-b/package.json'), JSON.stringify({ name: 'dep-b', main: 'index.js', dependencies: { 'dep-c': '2' } }));
    writePrivate(join(checkout, 'node_modules/dep-b/index.js'), "module.exports = 'b+' + require('dep-c');\n");
    writePrivate(join(checkout, 'node_modules/dep-b/node_modules/dep-c/package.json'), JSON.stringify({ name: 'dep-c', main: 'index.js' }));
    writePrivate(join(checkout, 'node_modules/dep-b/node_modules/dep-c/index.js'), "module.exports = 'c2';\n");
    writePrivate(join(checkout, 'node_modules/dev-only/package.json'), JSON.stringify({ name: 'dev-only' }));
    writePrivate(join(checkout, CLAWSUPD_IN_PACKAGE), "console.log(require('dep-a'), process.getuid());\n");
    writePrivate(join(checkout, CLAWCTL_IN_PACKAGE), "console.log('clawctl');\n");
    writePrivate(join(checkout, 'test/fixtures/gateway.mjs'), "#!/usr/bin/env node\nconsole.log('gateway');\n");
    chmodSync(join(checkout, 'test/fixtures/gateway.mjs'), 0o700);

    const copy = copyPackageForOthers(join(makeOpenDir(), 'pkg'), checkout);
    expect(runAsNobody([copy.node, copy.clawsupd])).toMatchObject({ status: 0, stdout: `a+b+c2 ${NOBODY}\n` });
    expect(runAsNobody([copy.node, copy.clawctl])).toMatchObject({ status: 0, stdout: 'clawctl\n' });
    expect(runAsNobody([join(copy.fixtures, 'gateway.mjs')])).toMatchObject({ status: 0, stdout: 'gateway\n' });
    expect(readdirSync(join(copy.root, 'node_modules')).sort()).toEqual(['dep-a', 'dep-b']);
    expect(readdirSync(join(copy.root, 'node_modules/dep-a')).sort()).toEqual(['index.js', 'package.json']);
  });

  it('a required package missing from node_modules is named, with the fix', () => {
    const checkout = join(makeClosedDir(), 'main');
    writePrivate(join(checkout, 'package.json'), JSON.stringify({ name: 'fake', dependencies: { 'dep-a': '1' } }));
    writePrivate(join(checkout, CLAWSUPD_IN_PACKAGE), '\n');
    expect(() => copyPackageForOthers(join(makeOpenDir(), 'pkg'), checkout)).toThrow('dep-a, needed by clawsup, is not installed: run npm ci');
  });

  it('a node uid 65534 cannot reach is copied beside the package, and the copy runs as that user', () => {
    const hidden = makeClosedDir();
    // As node sits under /root/.nvm: the link itself is out of reach behind its 0700 folder.
    symlinkSync(process.execPath, join(hidden, 'node'));
    const open = makeOpenDir();
    const node = findNodeForOthers(open, join(hidden, 'node'));
    expect(node).toBe(join(open, 'node'));
    expect(runAsNobody([node, '-p', 'process.getuid()'])).toMatchObject({ status: 0, stdout: `${NOBODY}\n` });
    // One uid 65534 can run is used as it is.
    expect(findNodeForOthers(makeOpenDir(), node)).toBe(node);
  });

  it('when not even a copy of node runs as uid 65534, the error names the folder in the way and what to do', () => {
    const hidden = makeClosedDir();
    symlinkSync(process.execPath, join(hidden, 'node'));
    const alsoHidden = makeClosedDir();
    expect(() => findNodeForOthers(alsoHidden, join(hidden, 'node'))).toThrow(
      new RegExp(`uid ${NOBODY} cannot run node.*${hidden} is 0700, owned by uid 0.*${alsoHidden} is 0700.*Install node where every user can run it`),
    );
  });

  it('a TMPDIR uid 65534 cannot enter is named, and the folder made in it is removed', () => {
    const hidden = makeClosedDir();
    expect(() => makeWorldReadableDir('cs-open-', hidden)).toThrow(`is 0700, owned by uid 0. Point TMPDIR at a folder every user can enter`);
    expect(readdirSync(hidden)).toEqual([]);
    expect(existsSync(hidden)).toBe(true);
  });
});
