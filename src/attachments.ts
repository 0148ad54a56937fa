import type { Attachment } from './attachment.js';
import { controlAttachment } from './control/control-attachment.js';
import { probesAttachment } from './probes/probe-attachment.js';
import { skillsAttachment } from './skills/skills-attachment.js';

/** Everything clawsupd runs beside the core loop, attached in this order and detached in reverse. */
export const ATTACHMENTS: readonly Attachment[] = [controlAttachment, skillsAttachment, probesAttachment];
