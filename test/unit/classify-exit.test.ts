import { describe, expect, it } from 'vitest';
import { classifyExit, type ExitFacts } from '../../src/supervisor/classify-exit.js';

const base: ExitFacts = { code: 1, signal: null, uptimeMs: 60_000, isStopRequested: false, outputTail: [], minUptimeMs: 10_000 };

// Real samples: Node's own messages and the gateway's (shared/OPENCLAW.md).
const MODULE_NOT_FOUND_ESM = [
  'node:internal/modules/esm/resolve:275',
  "    throw new ERR_MODULE_NOT_FOUND(",
  "Error [ERR_MODULE_NOT_FOUND]: Cannot find module '/opt/openclaw-old/dist/index.js' imported from /opt/openclaw-old/openclaw.mjs",
  "  code: 'ERR_MODULE_NOT_FOUND',",
  'Node.js v24.21.0',
];
const MODULE_NOT_FOUND_CJS = [
  'node:internal/modules/cjs/loader:1228',
  '  throw err;',
  "Error: Cannot find module '/usr/lib/node_modules/openclaw/dist/entry.js'",
  "  code: 'MODULE_NOT_FOUND',",
];
const UNCAUGHT = [
  '/srv/gw/index.js:3',
  "    throw new TypeError('Cannot read properties of undefined (reading \\'send\\')');",
  "TypeError: Cannot read properties of undefined (reading 'send')",
  '    at Timeout._onTimeout (/srv/gw/index.js:3:11)',
];
const OOM = [
  '<--- Last few GCs --->',
  'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory',
  ' 1: 0xb7a940 node::Abort() [node]',
];

// Seen from openclaw 2026.9.6 on this machine.
const SECOND_INSTANCE = [
  'Doctor could not enter maintenance. StateDatabaseCoordinatorContentionError: another OpenClaw process owns gateway-lifecycle',
  '[gateway] requires state migration.',
  'Gateway failed to start: gateway.maintenance_required.',
];
const PORT_TAKEN = [
  '2026-11-21T09:01:02.000Z Gateway failed to start: another gateway instance is already listening on ws://127.0.0.1:18790 | listen EADDRINUSE: address already in use 127.0.0.1:18790 | EADDRINUSE',
  'If the gateway is supervised, stop it with: openclaw gateway stop',
  'Port 18790 is already in use.',
];

describe('classifyExit', () => {
  it.each([
    ['exit 78 is a config error', { code: 78, outputTail: ['Missing config. Run openclaw setup or pass --allow-unconfigured'] }, 'structural', 'config-invalid'],
    ['ESM module not found', { code: 1, outputTail: MODULE_NOT_FOUND_ESM }, 'structural', 'module-not-found'],
    ['CJS module not found', { code: 1, outputTail: MODULE_NOT_FOUND_CJS }, 'structural', 'module-not-found'],
    ['spawn ENOENT', { code: null, spawnErrorCode: 'ENOENT', outputTail: ['gateway command "openclaw" not found on PATH'] }, 'structural', 'command-not-found'],
    ['spawn EACCES', { code: null, spawnErrorCode: 'EACCES' }, 'structural', 'permission-denied'],
    ['spawn EMFILE: clawsupd out of descriptors', { code: null, spawnErrorCode: 'EMFILE', outputTail: ['/usr/bin/openclaw: spawn /usr/bin/openclaw EMFILE'] }, 'transient', 'spawn-resources'],
    ['spawn ENFILE: the system out of descriptors', { code: null, spawnErrorCode: 'ENFILE' }, 'transient', 'spawn-resources'],
    ['spawn EAGAIN: no process could be made', { code: null, spawnErrorCode: 'EAGAIN' }, 'transient', 'spawn-resources'],
    ['spawn ENOMEM', { code: null, spawnErrorCode: 'ENOMEM' }, 'transient', 'spawn-resources'],
    ['spawn E2BIG (an environment too large)', { code: null, spawnErrorCode: 'E2BIG' }, 'transient', 'spawn-failed'],
    ['EACCES at run time', { code: 1, outputTail: ["Error: EACCES: permission denied, open '/root/.openclaw/openclaw.json'"] }, 'structural', 'permission-denied'],
    ['Node too old', { code: 1, outputTail: ['openclaw requires Node >=24.16 <25 || >=26.1 (found v20.20.2)'] }, 'structural', 'unsupported-runtime'],
    ['lock held by another gateway', { code: 1, outputTail: ['gateway already running (pid 4242)'] }, 'structural', 'duplicate-gateway'],
    ['the state folder not writable, behind openclaw\'s generic maintenance code', { code: 78, outputTail: ["EACCES: permission denied, mkdir '/home/clawop/.openclaw/state' | gateway.maintenance_required"] }, 'structural', 'permission-denied'],
    ['the maintenance code alone', { code: 1, outputTail: ['Gateway failed to start: gateway.maintenance_required.'] }, 'structural', 'duplicate-gateway'],
    ['port held by another gateway', { code: 1, outputTail: ['another gateway instance is already listening on ws://127.0.0.1:18789'] }, 'structural', 'duplicate-gateway'],
    ['Node 20 under openclaw 2026.9.6', { code: 1, outputTail: ['openclaw: Node 20.20.2: node:sqlite is unavailable; use 24.16+/26.1+ or a build with the fix.'] }, 'structural', 'unsupported-runtime'],
    ['second gateway on the same state dir exits 78', { code: 78, outputTail: SECOND_INSTANCE }, 'structural', 'duplicate-gateway'],
    ['port taken, as openclaw 2026.9.6 says it', { code: 1, outputTail: PORT_TAKEN }, 'structural', 'duplicate-gateway'],
    ['SIGKILL from the OOM killer', { code: null, signal: 'SIGKILL' }, 'transient', 'killed'],
    ['uncaught exception', { code: 1, outputTail: UNCAUGHT }, 'transient', 'crash'],
    ['V8 heap out of memory, aborted', { code: null, signal: 'SIGABRT', outputTail: OOM }, 'transient', 'killed'],
    ['V8 heap out of memory as exit 134', { code: 134, outputTail: OOM }, 'transient', 'out-of-memory'],
    ['exit 0 after a long run asks for a restart', { code: 0, uptimeMs: 60_000 }, 'requested', 'restart-requested'],
    ['exit 0 right after start is an early exit', { code: 0, uptimeMs: 300 }, 'transient', 'early-exit'],
    ['exit after clawsupd asked it to stop', { code: 0, isStopRequested: true }, 'clean', 'stopped'],
    ['killed by clawsupd for hanging', { code: null, signal: 'SIGKILL', killedForReason: 'hang' as const }, 'transient', 'hang'],
    ['killed by clawsupd for never starting', { code: null, signal: 'SIGTERM', killedForReason: 'start-timeout' as const }, 'transient', 'start-timeout'],
  ])('%s', (_label, facts, expectedClass, expectedReason) => {
    const verdict = classifyExit({ ...base, ...facts });
    expect(verdict.class).toBe(expectedClass);
    expect(verdict.reason).toBe(expectedReason);
  });

  it.each([
    ['EMFILE', "spawn failed: EMFILE: clawsupd has no file descriptor left (its RLIMIT_NOFILE); not the gateway's failure"],
    ['EAGAIN', "spawn failed: EAGAIN: no process could be made (RLIMIT_NPROC, pids.max or kernel.pid_max); not the gateway's failure"],
    ['E2BIG', 'spawn failed: E2BIG'],
  ])('names the errno of a failed spawn (%s) first in the evidence', (errno, first) => {
    const verdict = classifyExit({ ...base, code: null, spawnErrorCode: errno, outputTail: [`/usr/bin/openclaw: spawn /usr/bin/openclaw ${errno}`] });
    expect(verdict.evidence).toEqual([first, `/usr/bin/openclaw: spawn /usr/bin/openclaw ${errno}`]);
  });

  it('calls a SIGKILL transient even when the output once mentioned EACCES', () => {
    const verdict = classifyExit({ ...base, code: null, signal: 'SIGKILL', outputTail: ["Error: EACCES: permission denied, open '/tmp/x'", 'working'] });
    expect(verdict).toMatchObject({ class: 'transient', reason: 'killed' });
  });

  it('judges a crash by its dying words, not by a warning 100 lines earlier', () => {
    const tail = ['warning: listen EADDRINUSE on the metrics port, metrics off', ...Array.from({ length: 100 }, (_, i) => `line ${i}`), ...UNCAUGHT];
    expect(classifyExit({ ...base, outputTail: tail })).toMatchObject({ class: 'transient', reason: 'crash' });
  });

  it('puts the matching line first in the evidence', () => {
    const verdict = classifyExit({ ...base, outputTail: ['booting', ...MODULE_NOT_FOUND_ESM] });
    expect(verdict.evidence[0]).toContain('ERR_MODULE_NOT_FOUND');
    expect(verdict.evidence).toContain('booting');
  });

  it('keeps at most 20 evidence lines', () => {
    const tail = Array.from({ length: 500 }, (_, i) => `line ${i}`);
    expect(classifyExit({ ...base, outputTail: tail }).evidence).toHaveLength(20);
  });
});
