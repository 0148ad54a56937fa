/**
 * A burst of calls in one turn of the loop (a probe round sets several sections, a step fires several listeners)
 * runs `run` once, after the turn: never inside the caller's own step, and nothing is looked at twice.
 */
export function runAfterBurst(run: () => void): () => void {
  let isScheduled = false;
  return () => {
    if (isScheduled) return;
    isScheduled = true;
    setImmediate(() => {
      isScheduled = false;
      run();
    });
  };
}
