import type { Attachment } from './attachment.js';
import { controlAttachment } from './control/control-attachment.js';
import { probesAttachment } from './probes/probe-attachment.js';
import { skillsAttachment } from './skills/skills-attachment.js';
import { systemdNotifyAttachment } from './systemd-notify-attachment.js';

/** Everything clawsupd runs beside the core loop, attached in this order and detached in reverse. */
export const ATTACHMENTS: readonly Attachment[] = [
  // First in, last out: systemd hears STOPPING=1 only after every other part has let go.
  systemdNotifyAttachment,
  controlAttachment,
  skillsAttachment,
  probesAttachment,
];
