import { createActionCommand } from '../action-command.js';

export const restartCommand = createActionCommand({
  name: 'restart',
  method: 'restart',
  summary: 'restart the gateway now (starts it when down, even held or in diagnose; clears the failure count)',
  done: 'restart requested',
});
