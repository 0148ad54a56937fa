// The install path an operator has before clawsup is published: a tarball (a release's, or `npm pack` of a checkout).
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/daemon.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const TIMEOUT_MS = 120_000;
const NPM = 'npm';
const version = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

const temps: Array<{ remove(): void }> = [];
afterEach(() => temps.splice(0).forEach((temp) => temp.remove()));

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd: options.cwd ?? REPO_ROOT, env: options.env ?? process.env, timeout: TIMEOUT_MS, killSignal: 'SIGKILL' }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stdout, stderr });
    });
  });
}

function listTree(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, encoding: 'utf8' }).map((entry) => relative(root, join(root, entry))).sort();
}

describe('npm pack, then npm install -g of the tarball', () => {
  it(
    'gives working clawctl and clawsupd commands linked from the installed copy, and npm uninstall -g leaves no clawsup file',
    async () => {
      const temp = makeTempDir('cs-pack-');
      temps.push(temp);
      const prefix = join(temp.path, 'prefix');
      // dist/ is built (pretest): --ignore-scripts packs it as it is instead of rebuilding it in a shared tree.
      const packed = await run(NPM, ['pack', '--ignore-scripts', '--pack-destination', temp.path]);
      expect(packed.code, packed.stderr).toBe(0);
      const tarball = join(temp.path, `clawsup-${version}.tgz`);
      expect(existsSync(tarball)).toBe(true);

      const installed = await run(NPM, ['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', tarball]);
      expect(installed.code, installed.stderr).toBe(0);
      for (const bin of ['clawctl', 'clawsupd']) {
        const ran = await run(join(prefix, 'bin', bin), ['--version']);
        expect({ bin, code: ran.code, stdout: ran.stdout.trim() }).toEqual({ bin, code: 0, stdout: version });
      }

      // clawctl install from that copy links clawsupd.js inside it, never into the checkout it was packed from.
      const root = join(temp.path, 'root');
      mkdirSync(join(root, 'home/ada'), { recursive: true });
      mkdirSync(join(root, 'etc'));
      writeFileSync(join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/bash\nada:x:1000:1000::/home/ada:/bin/bash\n');
      const env = { PATH: process.env.PATH, CLAWSUP_ROOT: root, HOME: '/home/ada', USER: 'ada' };
      const dryRun = await run(join(prefix, 'bin', 'clawctl'), ['install', '--user', '--platform', 'linux', '--dry-run'], { env, cwd: temp.path });
      expect(dryRun.code, dryRun.stderr).toBe(0);
      const linked = join(realpathSync(prefix), 'lib/node_modules/clawsup/dist/clawsupd.cjs');
      expect(dryRun.stdout).toContain(`link /home/ada/.local/lib/clawsup/clawsupd.js -> ${linked}`);
      // This prefix sits in a temp folder: the plan says what that means before anything is linked there.
      expect(dryRun.stdout).toContain(`warning: clawsupd.js would be linked into ${linked}, under the temp folder `);

      const removed = await run(NPM, ['uninstall', '-g', '--prefix', prefix, 'clawsup']);
      expect(removed.code, removed.stderr).toBe(0);
      expect(listTree(prefix).filter((path) => path.includes('clawsup') || path.startsWith('bin/claw'))).toEqual([]);
    },
    TIMEOUT_MS,
  );
});
