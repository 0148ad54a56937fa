import { describe, expect, it } from 'vitest';
import { checkDuplicateProcesses, checkDuplicateServices } from '../../src/doctor/check-duplicates.js';
import { checkHealthPort } from '../../src/doctor/check-health-port.js';
import { checkLoopbackReach } from '../../src/doctor/check-loopback.js';
import { checkModelFallback } from '../../src/doctor/check-model-fallback.js';
import { checkNodeEngines } from '../../src/doctor/check-node-engines.js';
import { toExitCode, type CheckResult, type Verdict } from '../../src/doctor/check-result.js';
import { checkServicePaths } from '../../src/doctor/check-service-paths.js';
import { checkSleep } from '../../src/doctor/check-sleep.js';
import type { DoctorFacts } from '../../src/doctor/doctor-facts.js';
import { satisfiesRange } from '../../src/doctor/version-range.js';

const base: DoctorFacts = {
  platform: 'linux',
  openclawServices: [],
  clawsupServiceFile: '/etc/systemd/system/clawsupd.service',
  gatewayProcesses: [],
  supervisedGatewayPid: null,
  pmsetOutput: null,
  gatewayBind: 'loopback',
  foreignNetnsDescendants: [],
  openclawModel: { path: '/h/.openclaw/openclaw.json', fallbacks: ['openai/gpt-5'], error: null },
  servicePaths: [{ path: '/usr/local/lib/clawsup/node', exists: true }],
  gatewayNode: { nodeVersion: 'v24.21.0', engines: '>=24.16 <25 || >=26.1', packageJson: '/usr/lib/node_modules/openclaw/package.json' },
  healthProbe: { url: 'http://127.0.0.1:18789/healthz', isEnabled: true, listenPorts: [18789] },
};
const facts = (extra: Partial<DoctorFacts>): DoctorFacts => ({ ...base, ...extra });
const userService = { path: '/home/a/.config/systemd/user/openclaw-gateway.service', kind: 'systemd-user' as const, name: 'openclaw-gateway.service' };

describe('doctor checks', () => {
  it.each<[string, CheckResult, Verdict]>([
    ['no OpenClaw service', checkDuplicateServices(base, 1000), 'ok'],
    ['an OpenClaw service beside clawsup', checkDuplicateServices(facts({ openclawServices: [userService] }), 1000), 'fail'],
    ['an OpenClaw service, clawsup not installed', checkDuplicateServices(facts({ openclawServices: [userService], clawsupServiceFile: null }), 1000), 'warn'],
    ['one supervised gateway', checkDuplicateProcesses(facts({ gatewayProcesses: [{ pid: 7, netns: null }], supervisedGatewayPid: 7 })), 'ok'],
    ['two gateways', checkDuplicateProcesses(facts({ gatewayProcesses: [{ pid: 7, netns: null }, { pid: 9, netns: null }], supervisedGatewayPid: 7 })), 'fail'],
    ['one gateway beside clawsupd`s', checkDuplicateProcesses(facts({ gatewayProcesses: [{ pid: 9, netns: null }], supervisedGatewayPid: 7 })), 'fail'],
    ['one gateway, no clawsupd', checkDuplicateProcesses(facts({ gatewayProcesses: [{ pid: 9, netns: null }] })), 'warn'],
    ['process list unreadable', checkDuplicateProcesses(facts({ gatewayProcesses: null })), 'unknown'],
    ['health.url on the port the gateway listens on', checkHealthPort(base), 'ok'],
    ['health.url on a port the gateway does not listen on', checkHealthPort(facts({ healthProbe: { url: 'http://127.0.0.1:18789/healthz', isEnabled: true, listenPorts: [18790] } })), 'fail'],
    ['a gateway listening nowhere yet', checkHealthPort(facts({ healthProbe: { url: 'http://127.0.0.1:18789/healthz', isEnabled: true, listenPorts: [] } })), 'warn'],
    ['no gateway to inspect', checkHealthPort(facts({ healthProbe: { url: 'http://127.0.0.1:18789/healthz', isEnabled: true, listenPorts: null } })), 'unknown'],
    ['health probes off', checkHealthPort(facts({ healthProbe: { url: 'http://127.0.0.1:1/healthz', isEnabled: false, listenPorts: [18790] } })), 'ok'],
    ['no clawsupd config', checkHealthPort(facts({ healthProbe: null })), 'unknown'],
    ['Linux: sleep not applicable', checkSleep(base), 'ok'],
    ['Mac that never sleeps', checkSleep(facts({ platform: 'darwin', pmsetOutput: ' standby 0\n sleep                0 (sleep prevented by x)\n' })), 'ok'],
    ['Mac that sleeps after 10 min', checkSleep(facts({ platform: 'darwin', pmsetOutput: ' displaysleep 10\n sleep 10\n' })), 'warn'],
    ['Mac, pmset failed', checkSleep(facts({ platform: 'darwin', pmsetOutput: null })), 'unknown'],
    ['loopback, skills in the same namespace', checkLoopbackReach(base), 'ok'],
    ['loopback, a skill in another namespace', checkLoopbackReach(facts({ foreignNetnsDescendants: [{ pid: 31, command: 'python3' }] })), 'warn'],
    ['bound to lan', checkLoopbackReach(facts({ gatewayBind: 'lan', foreignNetnsDescendants: null })), 'ok'],
    ['no gateway to inspect', checkLoopbackReach(facts({ foreignNetnsDescendants: null })), 'unknown'],
    ['fallbacks configured', checkModelFallback(base), 'ok'],
    ['no fallbacks', checkModelFallback(facts({ openclawModel: { path: '/x', fallbacks: [], error: null } })), 'warn'],
    ['model as a plain string', checkModelFallback(facts({ openclawModel: { path: '/x', fallbacks: null, error: null } })), 'warn'],
    ['OpenClaw config unreadable', checkModelFallback(facts({ openclawModel: { path: '/x', fallbacks: null, error: 'ENOENT' } })), 'unknown'],
    ['unit paths exist', checkServicePaths(base), 'ok'],
    ['unit points at a vanished node', checkServicePaths(facts({ servicePaths: [{ path: '/usr/local/lib/clawsup/node', exists: false }] })), 'fail'],
    ['not installed', checkServicePaths(facts({ clawsupServiceFile: null, servicePaths: null })), 'ok'],
    ['node inside engines', checkNodeEngines(base), 'ok'],
    ['node 20 for openclaw 2026.9.6', checkNodeEngines(facts({ gatewayNode: { ...base.gatewayNode!, nodeVersion: 'v20.20.2' } })), 'fail'],
    ['node 25 in the gap', checkNodeEngines(facts({ gatewayNode: { ...base.gatewayNode!, nodeVersion: 'v25.1.0' } })), 'fail'],
    ['no node on PATH', checkNodeEngines(facts({ gatewayNode: { ...base.gatewayNode!, nodeVersion: null } })), 'fail'],
    ['openclaw not found', checkNodeEngines(facts({ gatewayNode: { nodeVersion: 'v24.0.0', engines: null, packageJson: null } })), 'unknown'],
  ])('%s: %#', (_name, result, verdict) => {
    expect(result.verdict).toBe(verdict);
    if (verdict === 'warn' || verdict === 'fail') expect(result.fix).toBeTruthy();
  });

  it('the fail for a duplicate service names the file and the command that disables it', () => {
    const result = checkDuplicateServices(facts({ openclawServices: [userService] }), 1000);
    expect(result.fix).toContain(userService.path);
    expect(result.fix).toContain('systemctl --user disable --now openclaw-gateway.service');
  });

  it.each<[Verdict[], number]>([
    [['ok', 'ok'], 0],
    [['ok', 'warn'], 1],
    [['warn', 'fail', 'unknown'], 2],
    [['ok', 'unknown'], 3],
    [['warn', 'unknown'], 1],
  ])('exit code for %j is %i', (verdicts, code) => {
    expect(toExitCode(verdicts.map((verdict) => ({ name: 'x', verdict, detail: '', fix: null })))).toBe(code);
  });
});

describe('satisfiesRange', () => {
  it.each<[string, string, boolean | null]>([
    ['v24.21.0', '>=24.16 <25 || >=26.1', true],
    ['v24.15.9', '>=24.16 <25 || >=26.1', false],
    ['v25.0.0', '>=24.16 <25 || >=26.1', false],
    ['v26.1.0', '>=24.16 <25 || >=26.1', true],
    ['v20.18.1', '>=20.18.1', true],
    ['v20.18.0', '^20.18.1', false],
    ['v20.99.0', '^20.18.1', true],
    ['v21.0.0', '^20.18.1', false],
    ['v24.3.1', '~24.3', true],
    ['v24.4.0', '~24.3', false],
    ['v24.9.9', '24.x', true],
    ['v23.9.9', '24', false],
    ['v22.0.0', '*', true],
    ['v22.0.0', 'lts/jod', null],
  ])('%s in %s: %s', (version, range, expected) => {
    expect(satisfiesRange(version, range)).toBe(expected);
  });
});

describe('health probe port', () => {
  it('names the port health.url asks, the port the gateway listens on, and the URL to set', () => {
    const result = checkHealthPort(facts({ healthProbe: { url: 'http://127.0.0.1:18789/healthz', isEnabled: true, listenPorts: [18790] } }));
    expect(result.detail).toBe('health.url http://127.0.0.1:18789/healthz names port 18789, where the gateway does not listen: it listens on port 18790');
    expect(result.fix).toContain('set health.url to http://127.0.0.1:18790/healthz');
  });
});
