import { UsageError, type CliIo } from './cli.ts';
import { PortInUseError } from './listen.ts';

type Command = (args: string[], io: CliIo) => Promise<number> | number;

/** One program's command line: its commands, help, exit codes and the errors it raises on purpose. */
export interface CommandLine {
  /** The program's name as errors start with: "huduma-hub". */
  name: string;
  version: string;
  help: string;
  /** Subcommands by name (`start`, `device`, …); load heavy ones lazily inside. */
  commands: Record<string, Command>;
  /** After sysexits.h where one fits, so scripts and supervisors can branch; `usage` and `failure` at least. */
  exitCodes: Readonly<Record<string, number>> & { usage: number; failure: number };
  /** The program's own coded errors: their message is shown alone and their code picks the exit code. */
  isExpected(error: unknown): error is Error & { code: string };
  /** Applied to whatever is printed on stderr (a driver error may quote a database URL). */
  scrub?(text: string): string;
}

/**
 * Runs one invocation: `help`/`--help`, `version`/`--version`, or a command; returns
 * the exit code. Expected errors (the program's, a usage error, a taken port) print
 * their message alone; anything else prints its stack and exits 1.
 */
export async function runCommandLine(argv: string[], io: CliIo, program: CommandLine): Promise<number> {
  const [command, ...rest] = argv;
  const scrub = program.scrub ?? ((text: string) => text);
  try {
    if (command === '--version' || command === 'version') {
      io.stdout.write(`${program.version}\n`);
      return 0;
    }
    if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
      io.stdout.write(program.help);
      return command === undefined ? program.exitCodes.usage : 0;
    }
    const run = Object.hasOwn(program.commands, command) ? program.commands[command] : undefined;
    if (!run) {
      io.stderr.write(`unknown command "${command}"\n\n${program.help}`);
      return program.exitCodes.usage;
    }
    return await run(rest, io);
  } catch (error) {
    if (program.isExpected(error) || error instanceof UsageError || error instanceof PortInUseError) {
      io.stderr.write(`${program.name}: ${scrub(error.message)}\n`);
      return program.exitCodes[error.code] ?? program.exitCodes.failure;
    }
    io.stderr.write(`${program.name}: ${scrub((error as Error).stack ?? String(error))}\n`);
    return program.exitCodes.failure;
  }
}
