// Boots a real systemd as PID 1 inside fresh PID, mount, cgroup, UTS and IPC namespaces,
// so tests can run real unit files under real systemd without touching the host's init.
import { execFile, execFileSync, spawn } from 'node:child_process';
import {
  accessSync,
  constants,
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  rmSync,
  writeFileSync,
  type WriteStream,
} from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';

export interface CommandResult {
  stdout: string;
  stderr: string;
  code: number | null;
}

export interface BootOptions {
  /** Becomes SYSTEMD_UNIT_PATH; created if missing. */
  unitDir: string;
  /** Searched after unitDir (e.g. /etc/systemd/system, where `clawctl install --system` writes its unit). */
  extraUnitDirs?: string[];
  /** File name -> contents, written into unitDir before boot. */
  units?: Record<string, string>;
  /** Unit systemd starts at boot; a stub target is written if units does not define it. */
  targetName?: string;
  /** Units the generated target pulls in at boot. */
  wants?: string[];
  /** systemd's own log (it logs to /dev/kmsg, which is a FIFO inside the namespace). */
  logFile?: string;
  logLevel?: 'debug' | 'info' | 'notice' | 'warning' | 'err';
  /**
   * Writes empty sysinit.target, basic.target, shutdown.target, ... Without them every unit with
   * DefaultDependencies=yes cannot be started directly, and Restart= fails with
   * "Failed to schedule restart job: Unit sysinit.target not found".
   */
  shouldStubStandardTargets?: boolean;
  bootTimeoutMs?: number;
}

export interface SystemdNamespace {
  /** Host PID of the namespace's PID 1. */
  readonly pid: number;
  readonly bootMs: number;
  exec(cmd: string, args?: string[], timeoutMs?: number): Promise<CommandResult>;
  systemctl(...args: string[]): Promise<CommandResult>;
  show(unit: string, props?: string[]): Promise<Record<string, string>>;
  waitFor(
    unit: string,
    isDone: (props: Record<string, string>) => boolean,
    timeoutMs: number,
    props?: string[],
  ): Promise<Record<string, string>>;
  shutdown(): Promise<void>;
}

export const DEFAULT_SHOW_PROPS = [
  'ActiveState',
  'SubState',
  'Result',
  'StatusText',
  'NRestarts',
  'MainPID',
  'ExecMainCode',
  'ExecMainStatus',
];

// Targets referenced by default dependencies and by typical [Unit] sections of real unit files.
const STANDARD_TARGETS = [
  'sysinit.target',
  'basic.target',
  'shutdown.target',
  'local-fs.target',
  'paths.target',
  'sockets.target',
  'timers.target',
  'network-pre.target',
  'network.target',
  'network-online.target',
  'nss-lookup.target',
  'time-sync.target',
  'multi-user.target',
];

const SYSTEMD_BINARIES = ['/usr/lib/systemd/systemd', '/lib/systemd/systemd'];
const REQUIRED_COMMANDS = ['unshare', 'nsenter', 'mount', 'mkfifo', 'systemctl'];
const POLL_INTERVAL_MS = 25;
const COMMAND_TIMEOUT_MS = 10_000;
const SHUTDOWN_TIMEOUT_MS = 10_000;
const CLEAN_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

let bootCounter = 0;

export function canBootSystemd(): { ok: boolean; why?: string } {
  if (process.platform !== 'linux') return { ok: false, why: `platform is ${process.platform}, not linux` };
  if (process.getuid?.() !== 0) return { ok: false, why: 'not root: unshare --pid --mount needs CAP_SYS_ADMIN' };
  if (findSystemdBinary() === undefined) return { ok: false, why: `no systemd binary at ${SYSTEMD_BINARIES.join(' or ')}` };
  const missing = REQUIRED_COMMANDS.filter((name) => findCommand(name) === undefined);
  if (missing.length > 0) return { ok: false, why: `missing commands: ${missing.join(', ')}` };
  if (findCgroup2Mount() === undefined) return { ok: false, why: 'no cgroup2 mount on the host (pure cgroup v1)' };
  return { ok: true };
}

export async function bootSystemd(options: BootOptions): Promise<SystemdNamespace> {
  const systemdBinary = findSystemdBinary();
  const cgroupMount = findCgroup2Mount();
  if (systemdBinary === undefined || cgroupMount === undefined) throw new Error(canBootSystemd().why);
  const targetName = options.targetName ?? 'clawsup-test.target';
  writeUnits(options, targetName);

  bootCounter += 1;
  const name = `clawsup-test-${process.pid}-${bootCounter}`;
  const workDir = mkdtempSync(join(tmpdir(), `${name}-`));
  // A cgroup of our own, made the cgroup namespace root, keeps systemd's slices out of the host tree.
  const cgroupDir = join(cgroupMount, name);
  mkdirSync(cgroupDir);
  const machineIdFile = join(workDir, 'machine-id');
  // systemd writes /etc/machine-id when it is empty; a bound copy keeps the host file untouched.
  writeFileSync(machineIdFile, `${randomBytes(16).toString('hex')}\n`);
  const kmsgPath = options.logFile === undefined ? '/dev/null' : join(workDir, 'kmsg');
  const logStream = options.logFile === undefined ? undefined : createWriteStream(options.logFile, { flags: 'a' });
  const kmsgReader = logStream === undefined ? undefined : openKmsgFifo(kmsgPath, logStream);

  const startedAtMs = Date.now();
  const child = spawn('/bin/sh', ['-c', buildLauncherScript(), 'clawsup-launcher', cgroupDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: CLEAN_PATH,
      CLAWSUP_SYSTEMD: systemdBinary,
      CLAWSUP_UNIT_DIR: [options.unitDir, ...(options.extraUnitDirs ?? [])].join(':'),
      CLAWSUP_TARGET: targetName,
      CLAWSUP_KMSG: kmsgPath,
      CLAWSUP_MACHINE_ID: machineIdFile,
      CLAWSUP_LOG_LEVEL: options.logLevel ?? 'info',
    },
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let launcherOutput = '';
  const collectOutput = (chunk: Buffer): void => {
    launcherOutput = (launcherOutput + chunk.toString()).slice(-4000);
    logStream?.write(chunk);
  };
  child.stdout?.on('data', collectOutput);
  child.stderr?.on('data', collectOutput);

  let pid1 = 0;
  let isShutDown = false;
  // If the test process dies without shutdown(), PID 1 must not outlive it.
  const killOnExit = (): void => killQuietly(pid1 > 0 ? pid1 : child.pid);
  process.once('exit', killOnExit);

  const shutdown = async (): Promise<void> => {
    if (isShutDown) return;
    isShutDown = true;
    process.removeListener('exit', killOnExit);
    // PrivateTmp= dirs in the shared /tmp are removed by systemd only on a clean stop.
    const privateTmpDirs = pid1 > 0 ? listPrivateTmpDirs(cgroupDir) : [];
    // Killing PID 1 makes the kernel kill every process in the PID namespace. unshare is left
    // alive to reap it: killed first, it would hand PID 1's zombie to the host's init.
    killQuietly(pid1 > 0 ? pid1 : child.pid);
    await withDeadline(exited, SHUTDOWN_TIMEOUT_MS, 'unshare did not exit after SIGKILL of PID 1').catch(async () => {
      killQuietly(child.pid); // --kill-child takes PID 1 down with it
      await withDeadline(exited, SHUTDOWN_TIMEOUT_MS, 'unshare did not exit after SIGKILL');
    });
    await waitUntil(() => pid1 === 0 || !existsSync(`/proc/${pid1}`), SHUTDOWN_TIMEOUT_MS, `PID 1 (${pid1}) still exists`);
    await removeCgroupTree(cgroupDir, SHUTDOWN_TIMEOUT_MS);
    for (const path of privateTmpDirs) rmSync(path, { recursive: true, force: true });
    kmsgReader?.destroy();
    if (logStream !== undefined) await new Promise<void>((resolve) => logStream.end(resolve));
    rmSync(workDir, { recursive: true, force: true });
  };

  const exec = (cmd: string, args: string[] = [], timeoutMs = COMMAND_TIMEOUT_MS): Promise<CommandResult> =>
    runCommand('nsenter', ['-t', String(pid1), '-m', '-p', '-u', '-i', '-C', '--', cmd, ...args], timeoutMs);
  const systemctl = (...args: string[]): Promise<CommandResult> => exec('systemctl', args);
  const show = async (unit: string, props: string[] = DEFAULT_SHOW_PROPS): Promise<Record<string, string>> => {
    const result = await systemctl('show', unit, `--property=${props.join(',')}`);
    if (result.code !== 0) throw new Error(`systemctl show ${unit} failed (${result.code}): ${result.stderr}`);
    return parseShowOutput(result.stdout);
  };
  const waitFor = async (
    unit: string,
    isDone: (props: Record<string, string>) => boolean,
    timeoutMs: number,
    props: string[] = DEFAULT_SHOW_PROPS,
  ): Promise<Record<string, string>> => {
    const deadlineMs = Date.now() + timeoutMs;
    let last: Record<string, string> = {};
    while (Date.now() < deadlineMs) {
      last = await show(unit, props);
      if (isDone(last)) return last;
      await delay(POLL_INTERVAL_MS);
    }
    throw new Error(`${unit} did not reach the expected state in ${timeoutMs} ms; last: ${JSON.stringify(last)}`);
  };

  try {
    let hasExited = false;
    void exited.then(() => (hasExited = true));
    const bootTimeoutMs = options.bootTimeoutMs ?? 15_000;
    await waitUntil(
      () => hasExited || (pid1 = findChildPid(child.pid ?? 0)) > 0,
      bootTimeoutMs,
      'unshare did not fork PID 1',
    );
    if (hasExited) throw new Error(`systemd namespace exited during boot: ${launcherOutput}`);
    await waitUntilAsync(async () => {
      if (hasExited) throw new Error(`systemd namespace exited during boot: ${launcherOutput}`);
      const state = await systemctl('is-system-running');
      return ['running', 'degraded'].includes(state.stdout.trim());
    }, bootTimeoutMs, 'systemd did not reach running/degraded');
  } catch (error) {
    await shutdown();
    throw error;
  }
  return { pid: pid1, bootMs: Date.now() - startedAtMs, exec, systemctl, show, waitFor, shutdown };
}

// Runs inside the new namespaces, as their PID 1 until it execs systemd. $1 is our cgroup.
function buildLauncherScript(): string {
  return [
    'set -e',
    // Join our cgroup before unshare, so it becomes the root of the new cgroup namespace.
    'echo $$ > "$1/cgroup.procs"',
    'exec unshare --pid --fork --kill-child=SIGKILL --mount --mount-proc --propagation private' +
      ' --cgroup --uts --ipc /bin/sh -c \'',
    [
      'set -e',
      'mount -t tmpfs -o mode=0755 tmpfs /run',
      'mount -t tmpfs -o mode=1777 tmpfs /dev/shm',
      // systemctl enable, timer stamps and PrivateTmp's /var/tmp half would otherwise land on the host.
      'mount -t tmpfs -o mode=1777 tmpfs /var/tmp',
      'for d in /etc/systemd/system /var/lib/systemd; do if [ -d $d ]; then mount -t tmpfs -o mode=0755 tmpfs $d; fi; done',
      'mount -t cgroup2 cgroup2 /sys/fs/cgroup',
      // PID 1 logs to /dev/console only if it is a tty, so log to "kmsg" and point it at our FIFO.
      'mount --bind "$CLAWSUP_KMSG" /dev/kmsg',
      'if [ -e /etc/machine-id ]; then mount --bind "$CLAWSUP_MACHINE_ID" /etc/machine-id; fi',
      // Host-wide sysctls stay out of reach; systemd treats read-only /proc/sys as a container.
      'mount --bind /proc/sys /proc/sys',
      'mount -o remount,bind,ro /proc/sys',
      'exec env -i PATH="$PATH" container=clawsup-test SYSTEMD_UNIT_PATH="$CLAWSUP_UNIT_DIR"' +
        ' "$CLAWSUP_SYSTEMD" --system --unit="$CLAWSUP_TARGET" --log-target=kmsg' +
        ' --log-level="$CLAWSUP_LOG_LEVEL" --log-color=no --show-status=no',
    ].join('\n'),
    "'",
  ].join('\n');
}

/**
 * Lays a writable overlay over each of `dirs` as the namespace sees them: the host's files show through, writes stay
 * in the namespace's own /dev/shm (a tmpfs) and go with it. Mounts that sat under a dir (the tmpfs over
 * /etc/systemd/system, the bound /etc/machine-id, a container's /etc/hosts) are put back on top.
 */
export async function overlayDirs(ns: SystemdNamespace, dirs: string[]): Promise<void> {
  const script = [
    'set -e',
    'S=/dev/shm/clawsup-overlays',
    'for D in "$@"; do',
    '  n=$(printf %s "$D" | tr / _)',
    '  mkdir -p "$S/$n/upper" "$S/$n/work" "$S/$n/below"',
    '  chmod --reference="$D" "$S/$n/upper"',
    '  chown --reference="$D" "$S/$n/upper"',
    '  subs=$(awk -v d="$D/" \'index($5, d) == 1 { print $5 }\' /proc/self/mountinfo)',
    '  mount --rbind "$D" "$S/$n/below"',
    '  mount -t overlay overlay -o "lowerdir=$D,upperdir=$S/$n/upper,workdir=$S/$n/work" "$D"',
    '  for m in $subs; do mount --bind "$S/$n/below${m#"$D"}" "$m"; done',
    'done',
  ].join('\n');
  const result = await ns.exec('/bin/sh', ['-c', script, 'overlay-dirs', ...dirs]);
  if (result.code !== 0) throw new Error(`cannot overlay ${dirs.join(', ')} in the namespace: ${result.stderr}`);
}

function writeUnits(options: BootOptions, targetName: string): void {
  mkdirSync(options.unitDir, { recursive: true });
  const units = options.units ?? {};
  const stubs: Record<string, string> = {};
  if (options.shouldStubStandardTargets ?? true) {
    for (const target of STANDARD_TARGETS) stubs[target] = '[Unit]\nDescription=Test stub\nDefaultDependencies=no\n';
  }
  const wants = (options.wants ?? []).join(' ');
  stubs[targetName] = `[Unit]\nDescription=clawsup test target\nDefaultDependencies=no\n${wants ? `Wants=${wants}\n` : ''}`;
  for (const [name, content] of Object.entries({ ...stubs, ...units })) {
    const path = join(options.unitDir, name);
    if (name in units || !existsSync(path)) writeFileSync(path, content);
  }
}

function openKmsgFifo(path: string, sink: WriteStream): Socket {
  execFileSync('mkfifo', ['-m', '0600', path]);
  // O_RDWR: we stay a writer too, so systemd's open() never blocks and we never see EOF.
  const fd = openSync(path, constants.O_RDWR | constants.O_NONBLOCK);
  const socket = new Socket({ fd, readable: true, writable: false });
  socket.on('data', (chunk) => sink.write(chunk));
  socket.on('error', () => undefined);
  return socket;
}

export function parseShowOutput(stdout: string): Record<string, string> {
  const props: Record<string, string> = {};
  for (const line of stdout.split('\n')) {
    const at = line.indexOf('=');
    if (at > 0) props[line.slice(0, at)] = line.slice(at + 1);
  }
  return props;
}

function runCommand(cmd: string, args: string[], timeoutMs: number): Promise<CommandResult> {
  return new Promise((resolve) => {
    // maxBuffer: a file list of /etc, /usr/local and /var is a few MB.
    execFile(cmd, args, { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 64 * 1024 * 1024, env: { PATH: CLEAN_PATH } }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
      resolve({ stdout, stderr, code });
    });
  });
}

function findChildPid(parentPid: number): number {
  try {
    const children = readFileSync(`/proc/${parentPid}/task/${parentPid}/children`, 'utf8').trim();
    return children === '' ? 0 : Number(children.split(' ')[0]);
  } catch {
    return 0;
  }
}

// The host-side sources of /tmp bind mounts that systemd made for PrivateTmp= in our units.
function listPrivateTmpDirs(cgroupDir: string): string[] {
  const dirs = new Set<string>();
  for (const pid of listCgroupPids(cgroupDir)) {
    try {
      for (const line of readFileSync(`/proc/${pid}/mountinfo`, 'utf8').split('\n')) {
        const [, , , root, mountPoint] = line.split(' ');
        const match = /^(\/tmp\/systemd-private-[^/]+)\/tmp$/.exec(root ?? '');
        if (mountPoint === '/tmp' && match?.[1] !== undefined) dirs.add(match[1]);
      }
    } catch {
      // Exited while we looked.
    }
  }
  return [...dirs];
}

function listCgroupPids(dir: string): string[] {
  try {
    const pids = readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n').filter((pid) => pid !== '');
    const children = readdirSync(dir, { withFileTypes: true }).filter((entry) => entry.isDirectory());
    return [...pids, ...children.flatMap((entry) => listCgroupPids(join(dir, entry.name)))];
  } catch {
    return [];
  }
}

async function removeCgroupTree(dir: string, timeoutMs: number): Promise<void> {
  // Cgroups of just-killed processes stay busy until the kernel has reaped them.
  await waitUntil(() => tryRemoveCgroupTree(dir), timeoutMs, `cgroup ${dir} could not be removed`);
}

function tryRemoveCgroupTree(dir: string): boolean {
  if (!existsSync(dir)) return true;
  try {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) tryRemoveCgroupTree(join(dir, entry.name));
    }
    rmdirSync(dir);
    return true;
  } catch {
    return false;
  }
}

async function waitUntil(isDone: () => boolean, timeoutMs: number, message: string): Promise<void> {
  await waitUntilAsync(async () => isDone(), timeoutMs, message);
}

async function waitUntilAsync(isDone: () => Promise<boolean>, timeoutMs: number, message: string): Promise<void> {
  const deadlineMs = Date.now() + timeoutMs;
  while (!(await isDone())) {
    if (Date.now() >= deadlineMs) throw new Error(`${message} within ${timeoutMs} ms`);
    await delay(POLL_INTERVAL_MS);
  }
}

async function withDeadline(promise: Promise<void>, timeoutMs: number, message: string): Promise<void> {
  const controller = new AbortController();
  const timeout = delay(timeoutMs, undefined, { signal: controller.signal }).then(() => {
    throw new Error(`${message} within ${timeoutMs} ms`);
  });
  try {
    await Promise.race([promise, timeout]);
  } finally {
    controller.abort();
    timeout.catch(() => undefined);
  }
}

function killQuietly(pid: number | undefined): void {
  if (pid === undefined || pid <= 0) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

function findSystemdBinary(): string | undefined {
  return SYSTEMD_BINARIES.find((path) => isExecutable(path));
}

function findCommand(name: string): string | undefined {
  const dirs = `${process.env['PATH'] ?? ''}${delimiter}${CLEAN_PATH}`.split(delimiter);
  return dirs.map((dir) => join(dir, name)).find((path) => isExecutable(path));
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function findCgroup2Mount(): string | undefined {
  try {
    for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
      const [before, after] = line.split(' - ');
      if (after?.startsWith('cgroup2 ')) return before?.split(' ')[4];
    }
  } catch {
    return undefined;
  }
  return undefined;
}
