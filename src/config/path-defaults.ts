// The schema applies these; they live apart so that clawctl can find the socket without loading zod.
export const DEFAULT_CONTROL_SOCKET = '~/.clawsup/clawsupd.sock';
export const DEFAULT_STATUS_DIR = '~/.clawsup/status';
