import { describe, expect, it } from 'vitest';
import { describeReload } from '../../src/config/describe-reload.js';
import { configSchema } from '../../src/config/schema.js';

const BASE = { gateway: { command: ['openclaw', 'gateway'], env: { A: '1', B: '2' } }, skills: { memory: { maxAgeMs: 60_000 } } };
const config = (overrides: Record<string, unknown> = {}) => configSchema.parse({ ...BASE, ...overrides });
const gateway = (overrides: Record<string, unknown>) => ({ gateway: { ...BASE.gateway, ...overrides } });

describe('describeReload', () => {
  it.each<[string, Record<string, unknown>, string[], string[]]>([
    ['nothing changed', {}, [], []],
    ['a skill added: applies at once', { skills: { memory: { maxAgeMs: 60_000 }, nightly: { maxAgeMs: 1 } } }, [], []],
    ['restart policy: applies at once', { restart: { failureLimit: 9 } }, [], []],
    ['gateway.command', gateway({ command: ['openclaw', 'gateway', '--verbose'] }), ['gateway.command'], []],
    ['gateway.env value', gateway({ env: { A: '1', B: '3' } }), ['gateway.env'], []],
    ['gateway.env key added', gateway({ env: { A: '1', B: '2', C: '' } }), ['gateway.env'], []],
    ['gateway.env in another key order: no change', gateway({ env: { B: '2', A: '1' } }), [], []],
    ['gateway.cwd set', gateway({ cwd: '/srv/openclaw' }), ['gateway.cwd'], []],
    ['gateway.stopTimeoutMs: applies at once', gateway({ stopTimeoutMs: 1_000 }), [], []],
    ['the output tail', gateway({ outputTailLines: 20 }), ['gateway.outputTailLines'], []],
    ['status.dir', { status: { dir: '/var/lib/elsewhere' } }, [], ['status.dir']],
    ['control.socket', { control: { socket: '/run/elsewhere.sock' } }, [], ['control.socket']],
    ['control.group', { control: { group: 'clawsup' } }, [], ['control.group']],
    ['health.enabled', { health: { enabled: false } }, [], ['health.enabled']],
    ['health.intervalMs: applies at once', { health: { intervalMs: 500 } }, [], []],
    ['log.level and log.file', { log: { level: 'debug', file: '/var/log/clawsupd.log' } }, [], ['log.level', 'log.file']],
    ['log.gatewayLinesPerWindow', { log: { gatewayLinesPerWindow: 10 } }, ['log.gatewayLinesPerWindow'], []],
    ['both at once', { ...gateway({ command: ['x'], cwd: '/x' }), status: { dir: '/x' }, control: { socket: '/x.sock' } }, ['gateway.command', 'gateway.cwd'], ['status.dir', 'control.socket']],
  ])('%s', (_what, overrides, atNextGatewayStart, atNextDaemonStart) => {
    expect(describeReload(config(), config(overrides))).toEqual({ atNextGatewayStart, atNextDaemonStart });
  });

  it('gateway.cwd removed is a change too', () => {
    expect(describeReload(config(gateway({ cwd: '/x' })), config()).atNextGatewayStart).toEqual(['gateway.cwd']);
  });
});
