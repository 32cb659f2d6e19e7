import type { Io } from '../output.ts';

export type OptionValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

export interface ParsedArgs {
  values: OptionValues;
  positionals: string[];
}

export interface Command {
  /** One or two words, e.g. `verify` or `keys generate`. */
  name: string;
  summary: string;
  help: string;
  options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }>;
  /** Runs the command and returns the exit code; throws UsageError for bad usage or input. */
  run(args: ParsedArgs, io: Io): Promise<number>;
}
