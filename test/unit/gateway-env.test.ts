import { describe, expect, it } from 'vitest';
import { buildGatewayEnv } from '../../src/gateway/gateway-env.js';

describe('buildGatewayEnv', () => {
  it('passes the daemon environment on, then gateway.env over it, then marks the gateway supervised', () => {
    const env = buildGatewayEnv({ PATH: '/usr/bin', SLACK_APP_TOKEN: 'from-daemon' }, { SLACK_APP_TOKEN: 'from-config' });
    expect(env).toEqual({ PATH: '/usr/bin', SLACK_APP_TOKEN: 'from-config', OPENCLAW_SUPERVISOR_MODE: 'external' });
  });

  it("keeps systemd's variables from the gateway, from either source", () => {
    const env = buildGatewayEnv({ NOTIFY_SOCKET: '/run/systemd/notify', WATCHDOG_USEC: '30000000', INVOCATION_ID: 'x' }, { JOURNAL_STREAM: '1:2' });
    expect(env).toEqual({ OPENCLAW_SUPERVISOR_MODE: 'external' });
  });

  it("keeps the unit's malloc and compile-cache tuning for clawsupd, unless gateway.env asks for it", () => {
    expect(buildGatewayEnv({ MALLOC_MMAP_THRESHOLD_: '69632', MALLOC_ARENA_MAX: '2' }, {})).toEqual({ MALLOC_ARENA_MAX: '2', OPENCLAW_SUPERVISOR_MODE: 'external' });
    expect(buildGatewayEnv({ NODE_COMPILE_CACHE: '/var/lib/clawsup/node-compile-cache' }, {})).toEqual({ OPENCLAW_SUPERVISOR_MODE: 'external' });
    expect(buildGatewayEnv({ MALLOC_MMAP_THRESHOLD_: '69632' }, { MALLOC_MMAP_THRESHOLD_: '131072' })).toMatchObject({ MALLOC_MMAP_THRESHOLD_: '131072' });
  });

  it('sets OPENCLAW_CONFIG_READONLY when the apply gate owns the config', () => {
    expect(buildGatewayEnv({}, {}, true)).toEqual({ OPENCLAW_SUPERVISOR_MODE: 'external', OPENCLAW_CONFIG_READONLY: '1' });
  });
});
