import type { Attachment } from './daemon-part.js';
import { controlAttachment } from '../control/control-part.js';
import { probesAttachment } from '../probes/probes-part.js';
import { skillsAttachment } from '../skills/skills-part.js';
import { systemdNotifyAttachment } from '../systemd/systemd-notify-part.js';

/** Everything clawsupd runs beside the core loop, attached in this order and detached in reverse. */
export const ATTACHMENTS: readonly Attachment[] = [
  // First in, last out: systemd hears STOPPING=1 only after every other part has let go.
  systemdNotifyAttachment,
  controlAttachment,
  skillsAttachment,
  probesAttachment,
];
