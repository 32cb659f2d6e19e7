import { parseArgs, type ParseArgsConfig } from 'node:util';
import { EXIT, UsageError } from './errors.ts';
import { processIo, type Io } from './output.ts';
import { COMMANDS, type CommandEntry } from './commands/index.ts';
import type { OptionValues } from './commands/types.ts';

const VERSION = '0.1.0';

function topHelp(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length));
  return [
    'microcred — issue, verify, bake and inspect Open Badges 3.0 micro-credentials',
    '',
    'Usage: microcred <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    '',
    'Run `microcred <command> --help` for the options of one command.',
    'Exit codes: 0 success (verified), 1 not verified, 2 usage or input error.',
  ].join('\n');
}

/** Finds the command for argv, allowing two-word commands such as `keys generate`. */
function findCommand(argv: string[]): { entry: CommandEntry; rest: string[] } | undefined {
  const two = `${argv[0]} ${argv[1]}`;
  const byTwo = COMMANDS.find((command) => command.name === two);
  if (byTwo) return { entry: byTwo, rest: argv.slice(2) };
  const byOne = COMMANDS.find((command) => command.name === argv[0]);
  if (byOne) return { entry: byOne, rest: argv.slice(1) };
  return undefined;
}

/**
 * Runs the CLI and returns the exit code. One top-level handler turns errors into messages and exit
 * codes (STYLE.md, from changesets): commands just throw.
 */
export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.stdout.write(`${topHelp()}\n`);
    return argv.length === 0 ? EXIT.usage : EXIT.ok;
  }
  if (argv[0] === '--version' || argv[0] === '-v') {
    io.stdout.write(`${VERSION}\n`);
    return EXIT.ok;
  }
  const found = findCommand(argv);
  if (!found) {
    const group = COMMANDS.filter((command) => command.name.startsWith(`${argv[0]} `));
    if (group.length > 0) {
      const listing = group.map((command) => `  ${command.name.padEnd(22)} ${command.summary}`).join('\n');
      if (argv[1] === '--help' || argv[1] === '-h') {
        io.stdout.write(`Usage: microcred ${argv[0]} <command> [options]\n\n${listing}\n`);
        return EXIT.ok;
      }
      io.stderr.write(`microcred ${argv[0]}: choose one of:\n${listing}\n`);
    } else {
      io.stderr.write(`microcred: unknown command "${argv[0]}". Run \`microcred --help\`.\n`);
    }
    return EXIT.usage;
  }
  const { entry, rest } = found;
  const command = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(`${command.help}\n`);
    return EXIT.ok;
  }
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: command.options as ParseArgsConfig['options'], allowPositionals: true, strict: true });
  } catch (error) {
    io.stderr.write(`microcred ${command.name}: ${(error as Error).message}\n\n${command.help}\n`);
    return EXIT.usage;
  }
  const values = parsed.values as OptionValues;
  const json = values.json === true;
  try {
    return await command.run({ values, positionals: parsed.positionals }, io);
  } catch (error) {
    const usage = error instanceof UsageError;
    const message = usage ? (error as Error).message : `unexpected error: ${(error as Error).message}`;
    if (json) io.stdout.write(`${JSON.stringify({ error: message })}\n`);
    io.stderr.write(`microcred ${command.name}: ${message}\n`);
    if (!usage && io.env.MICROCRED_DEBUG) io.stderr.write(`${(error as Error).stack}\n`);
    return EXIT.usage;
  }
}
