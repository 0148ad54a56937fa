/** One clawctl subcommand: parses its own arguments and returns clawctl's exit code. */
export interface ClawctlCommand {
  name: string;
  summary: string;
  usage: string;
  /** Words that may follow the command (`skill run`, `completion bash`), for shell completion. */
  subcommands?: readonly string[];
  run(args: string[], context: ClawctlContext): Promise<number>;
}

export interface ClawctlContext {
  /** --config FILE, when given. */
  configPath: string | undefined;
  /** --socket PATH, when given. */
  socketPath: string | undefined;
  /** Writes text with its control characters escaped; `paint` then adds clawctl's own escape codes (colour, clear screen) to the escaped text. */
  stdout: (text: string, paint?: Paint) => void;
  stderr: (text: string) => void;
  /** What stdout is; absent means a pipe with no colour. */
  terminal?: TerminalFacts;
}

export type Paint = (escaped: string) => string;

export interface TerminalFacts {
  /** stdout is a terminal: a redraw may clear the screen. */
  isTTY: boolean;
  /** Colour wanted: a terminal, NO_COLOR not set, TERM not dumb. */
  hasColour: boolean;
}

/** A subcommand's name, and how to load it when it is the one asked for. */
export interface ClawctlCommandEntry {
  name: string;
  load(): Promise<ClawctlCommand>;
}
