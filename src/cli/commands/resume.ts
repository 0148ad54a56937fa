import { createActionCommand } from '../action-command.js';

export const resumeCommand = createActionCommand({
  name: 'resume',
  method: 'resume',
  summary: 'leave diagnose mode with one fresh attempt (exit 75 when not in diagnose mode)',
  done: 'resumed: one fresh attempt',
});
