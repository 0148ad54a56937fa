import { afterEach, describe, expect, it } from 'vitest';
import { signalProcessGroup } from '../../src/gateway/process-identity.js';

describe('signalProcessGroup', () => {
  let received = 0;
  const onSignal = (): void => void (received += 1);
  afterEach(() => process.removeListener('SIGUSR2', onSignal));

  it.each([0, -1, 1, Number.NaN])('signals nothing for the process group %s', async (pgid) => {
    received = 0;
    process.on('SIGUSR2', onSignal);
    expect(signalProcessGroup(pgid, 'SIGUSR2')).toBe(false);
    // A signal to our own group would arrive before the next turn of the loop.
    await new Promise((resolve) => setImmediate(resolve));
    expect(received).toBe(0);
  });
});
