import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { cleanupDaemons, FIXTURES, startDaemon } from '../helpers/daemon.js';

const node = process.execPath;
const fastRestart = { initialDelayMs: 200, multiplier: 2, maxDelayMs: 5_000, minUptimeMs: 500 };

afterEach(cleanupDaemons);

describe('restart mode and diagnose mode', () => {
  it('restarts a gateway that crashes after a while, with growing delays, then diagnoses after three failures', async () => {
    const daemon = startDaemon({
      config: { gateway: { command: [node, join(FIXTURES, 'crash-after.mjs'), '300'] }, restart: fastRestart },
    });
    const status = await daemon.waitForStatus('diagnose after 3 crashes', (s) => s.mode === 'diagnose');
    expect(status.diagnosis).toMatchObject({ reason: 'crash', class: 'transient', trigger: 'failure-limit', failuresInWindow: 3 });
    expect(status.diagnosis.evidence.join('\n')).toContain("TypeError: Cannot read properties of undefined (reading 'send')");
    expect(status.gateway.restarts).toBe(2);

    await daemon.waitForLog('diagnose line', (r) => r.msg === 'diagnose mode: gateway not restarted');
    const delays = daemon.logs().filter((r) => r.msg === 'gateway restart scheduled').map((r) => r.delayMs);
    expect(delays).toEqual([200, 400]);
    const exits = daemon.logs().filter((r) => r.msg === 'gateway exited' || r.msg === 'gateway started');
    // The second start follows the first exit by at least the backoff.
    const firstExitAt = Date.parse(String(exits.find((r) => r.msg === 'gateway exited')?.time));
    const secondStartAt = Date.parse(String(exits.filter((r) => r.msg === 'gateway started')[1]?.time));
    expect(secondStartAt - firstExitAt).toBeGreaterThanOrEqual(190);
  });

  it('diagnoses a structural failure at once: module not found after an upgrade', async () => {
    const daemon = startDaemon({ config: { gateway: { command: [node, join(FIXTURES, 'module-not-found.mjs')] }, restart: fastRestart } });
    const status = await daemon.waitForStatus('diagnose', (s) => s.mode === 'diagnose');
    expect(status.diagnosis).toMatchObject({ reason: 'module-not-found', class: 'structural', trigger: 'structural' });
    expect(status.diagnosis.evidence[0]).toMatch(/ERR_MODULE_NOT_FOUND|Cannot find module/);
    expect(status.diagnosis.command).toEqual({ argv: [node, join(FIXTURES, 'module-not-found.mjs')], resolvedPath: node, exists: true });
    expect(status.gateway.restarts).toBe(0);
    const hintLine = await daemon.waitForLog('diagnose line', (r) => r.msg === 'diagnose mode: gateway not restarted');
    expect(hintLine?.hint).toMatch(/reinstall openclaw/);
  });

  it('diagnoses exit 78 at once as config-invalid', async () => {
    const daemon = startDaemon({
      config: { gateway: { command: [node, join(FIXTURES, 'exit-with.mjs'), '78', '0', 'Missing config. Run openclaw setup'] }, restart: fastRestart },
    });
    const status = await daemon.waitForStatus('diagnose', (s) => s.mode === 'diagnose');
    expect(status.diagnosis).toMatchObject({ reason: 'config-invalid', class: 'structural' });
    expect(status.gateway.lastExit).toMatchObject({ code: 78, class: 'structural', reason: 'config-invalid' });
  });

  it('diagnoses a command that is not on PATH as command-not-found, and says so', async () => {
    const daemon = startDaemon({ config: { gateway: { command: ['openclaw-not-installed-here', 'gateway'] } } });
    const status = await daemon.waitForStatus('diagnose', (s) => s.mode === 'diagnose');
    expect(status.diagnosis).toMatchObject({ reason: 'command-not-found', class: 'structural' });
    expect(status.diagnosis.command).toMatchObject({ resolvedPath: null, exists: false });
    expect(status.diagnosis.evidence.join(' ')).toContain('not found on PATH');
  });

  it('restarts at once, without counting a failure, when a gateway that ran long enough exits 0', async () => {
    const daemon = startDaemon({
      config: { gateway: { command: [node, join(FIXTURES, 'exit-with.mjs'), '0', '700'] }, restart: { ...fastRestart, failureLimit: 2 } },
    });
    const status = await daemon.waitForStatus('three requested restarts', (s) => s.gateway.restarts >= 3);
    expect(status.mode).not.toBe('diagnose');
    expect(status.gateway.lastExit).toMatchObject({ code: 0, class: 'requested', reason: 'restart-requested' });
    expect(daemon.logs().some((r) => r.msg === 'gateway restart scheduled')).toBe(false);
  });

  it('treats exit 0 right after start as an early-exit failure, so a disguised crash loop still ends in diagnose', async () => {
    const daemon = startDaemon({
      config: { gateway: { command: [node, join(FIXTURES, 'exit-with.mjs'), '0', '0'] }, restart: { ...fastRestart, minUptimeMs: 5_000 } },
    });
    const status = await daemon.waitForStatus('diagnose', (s) => s.mode === 'diagnose');
    expect(status.diagnosis).toMatchObject({ reason: 'early-exit', class: 'transient', trigger: 'failure-limit' });
  });

  it('records a gateway killed by SIGKILL as transient and restarts it', async () => {
    const daemon = startDaemon({ config: { gateway: { command: [node, join(FIXTURES, 'self-sigkill.mjs'), '100'] }, restart: fastRestart } });
    const status = await daemon.waitForStatus('backoff after a kill', (s) => s.gateway.lastExit?.reason === 'killed');
    expect(status.gateway.lastExit).toMatchObject({ signal: 'SIGKILL', class: 'transient' });
  });
});
