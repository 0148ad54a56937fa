import { createActionCommand } from '../action-command.js';

export const startCommand = createActionCommand({
  name: 'start',
  method: 'start',
  summary: 'release a gateway held by stop (exit 75 when it is not held)',
  done: 'released: the gateway starts',
});
