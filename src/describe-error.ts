/** Flat, loggable facts about an error: code and message, never the stack of a user mistake. */
export function describeError(error: unknown): { code?: string; message: string } {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === undefined ? { message: error.message } : { code: String(code), message: error.message };
  }
  return { message: String(error) };
}
