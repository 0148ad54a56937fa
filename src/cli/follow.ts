import { followDaemon, type FollowHandlers } from '../control/control-client.js';
import type { SubscribeTopic } from '../control/protocol.js';
import { isClawsupError } from '../errors.js';
import type { ClawctlContext } from './command.js';
import { describeWhereLooked, type ControlTarget } from './control-target.js';

/**
 * Follows a subscription until Ctrl-C (exit 0) or until clawsupd cannot be reached or goes away: that is said on
 * stderr, with where clawctl looked when it never answered, and `lostCode` is returned.
 */
export async function followUntilInterrupted(
  target: ControlTarget,
  params: { topics: SubscribeTopic[]; n?: number },
  handlers: FollowHandlers,
  context: ClawctlContext,
  lostCode: number,
): Promise<number> {
  const controller = new AbortController();
  const interrupt = (): void => controller.abort();
  // `logs -f | head`: a reader that has had enough ends the follow as Ctrl-C does, not with a stack trace.
  const onOutputError = (error: NodeJS.ErrnoException): void => {
    if (error.code === 'EPIPE') interrupt();
  };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  process.stdout.on('error', onOutputError);
  let hasAnswered = false;
  try {
    await followDaemon(target.socketPath, params, { ...handlers, onFirst: (result) => ((hasAnswered = true), handlers.onFirst(result)) }, controller.signal);
    return 0;
  } catch (error) {
    if (!isClawsupError(error)) throw error;
    context.stderr(`clawctl: ${error.message}\n`);
    if (!hasAnswered && error.code === 'CLAWSUP_ERR_NO_DAEMON') context.stderr(describeWhereLooked(target));
    return lostCode;
  } finally {
    process.removeListener('SIGINT', interrupt);
    process.removeListener('SIGTERM', interrupt);
    process.stdout.removeListener('error', onOutputError);
  }
}
