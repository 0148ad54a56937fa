import { createActionCommand } from '../action-command.js';

export const stopCommand = createActionCommand({
  name: 'stop',
  method: 'stop',
  summary: 'hold the gateway down for maintenance (mode held, not restarted); clawsupd keeps running',
  done: 'hold requested: the gateway stops and stays down until clawctl start',
});
