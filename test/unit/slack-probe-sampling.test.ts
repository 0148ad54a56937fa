import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import type { Supervisor } from '../../src/daemon/supervisor.js';
import type { ProbeBoard } from '../../src/probes/probe-board.js';
import type { SlackTransportReader } from '../../src/probes/slack/read-slack-transport.js';
import { createSlackProbe } from '../../src/probes/slack/slack-probe.js';

// Each sample of the gateway's sockets to Slack reads the host's whole TCP table: taken every
// slack.socketSampleIntervalMs, not every probe round.
const ROUND_MS = 1_000;

function startProbe(slack: Record<string, unknown> = {}) {
  const config = configSchema.parse({ gateway: { command: ['true'] }, slack });
  const samples: number[] = [];
  const transportReader: SlackTransportReader = {
    sample: () => {
      samples.push(Date.now());
      return Promise.resolve([]);
    },
  };
  const supervisor = {
    getState: () => ({ gateway: { pid: 4242 } }),
    getConfig: () => config,
    setDegradation: () => undefined,
    dispatch: () => undefined,
  } as unknown as Supervisor;
  let report = { ok: true, state: 'unknown', latencyMs: null, checkedAt: null, consecutiveFailures: 0, detail: '' };
  const board = { get: () => report, set: (_name: string, next: typeof report) => (report = next) } as unknown as ProbeBoard;
  const probe = createSlackProbe({ supervisor, board, log: pino({ level: 'silent' }), getToken: () => null, transportReader });
  return { probe, samples };
}

async function runRounds(probe: ReturnType<typeof startProbe>['probe'], rounds: number): Promise<void> {
  for (let round = 0; round < rounds; round++) {
    probe.refresh(true);
    await vi.advanceTimersByTimeAsync(ROUND_MS);
  }
}

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe.runIf(process.platform === 'linux')("the Slack probe's kernel samples", () => {
  it('samples once per slack.socketSampleIntervalMs (30 s by default), not once per probe round', async () => {
    const { probe, samples } = startProbe();
    await runRounds(probe, 65);
    expect(samples.map((atMs) => atMs - 1_000_000)).toEqual([0, 30_000, 60_000]);
  });

  it('samples every round when the interval is the probe interval', async () => {
    const { probe, samples } = startProbe({ socketSampleIntervalMs: 1_000 });
    await runRounds(probe, 5);
    expect(samples).toHaveLength(5);
  });

  it('samples a new gateway at once, whatever the last gateway was sampled', async () => {
    const { probe, samples } = startProbe();
    await runRounds(probe, 3);
    probe.reset();
    await runRounds(probe, 1);
    expect(samples.map((atMs) => atMs - 1_000_000)).toEqual([0, 3_000]);
  });

  it('refuses an interval under a second, saying where', () => {
    const result = configSchema.safeParse({ gateway: { command: ['true'] }, slack: { socketSampleIntervalMs: 200 } });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({ path: ['slack', 'socketSampleIntervalMs'], message: 'at least 1000 ms' });
  });
});
