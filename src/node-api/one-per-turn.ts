/**
 * Runs the API's answers one per turn of the daemon's loop. Node runs every ready socket's callback in one turn: 20
 * kept-alive clients asking for a day of events made each turn 20 answers long (half a second and more), and the
 * supervisor's timers waited behind them. One answer per turn lets a timer run between any two. Past `maxWaiting`
 * a task is not run and resolves null (the route answers 503).
 */
export function createOnePerTurn(maxWaiting: number): <T>(task: () => T) => Promise<T | null> {
  const waiting: Array<() => void> = [];
  let isScheduled = false;
  const schedule = (): void => {
    if (isScheduled) return;
    isScheduled = true;
    // An immediate queued from an immediate runs in the next turn, after that turn's timers.
    setImmediate(runNext);
  };
  function runNext(): void {
    isScheduled = false;
    waiting.shift()?.();
    if (waiting.length > 0) schedule();
  }
  return (task) => {
    if (waiting.length >= maxWaiting) return Promise.resolve(null);
    return new Promise((resolve, reject) => {
      waiting.push(() => {
        try {
          resolve(task());
        } catch (error) {
          reject(error);
        }
      });
      schedule();
    });
  };
}
