/** One clawctl subcommand: parses its own arguments and returns clawctl's exit code. */
export interface ClawctlCommand {
  name: string;
  summary: string;
  usage: string;
  run(args: string[], context: ClawctlContext): Promise<number>;
}

export interface ClawctlContext {
  /** --config FILE, when given. */
  configPath: string | undefined;
  /** --socket PATH, when given. */
  socketPath: string | undefined;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** A subcommand's name, and how to load it when it is the one asked for. */
export interface ClawctlCommandEntry {
  name: string;
  load(): Promise<ClawctlCommand>;
}
