// A bench's command line: its options, declared once (BenchOption), registered on one commander Command, and read
// back as typed values after commander has checked each flag.
import { Command, Option } from 'commander';
import { type BenchOption, parseOptionText } from './bench-option';

/** A bench's options by the name their value has (commander's: `--sample-ms` → `sampleMs`), in --help order. */
export type BenchOptions = Readonly<Record<string, BenchOption<unknown>>>;

/** The values of a bench's options, each of its option's type. */
export type BenchOptionValues<S extends BenchOptions> = {
  readonly [K in keyof S]: S[K] extends BenchOption<infer T> ? T : never;
};

export interface BenchCommand<S extends BenchOptions> {
  readonly command: Command;
  /** Parses the arguments (default: process.argv); a bad value ends the process with commander's message. */
  parse(argv?: readonly string[]): BenchOptionValues<S>;
}

function commanderOption(name: string, option: BenchOption<unknown>): Option {
  const flag = new Option(option.flags, option.description);
  if (flag.attributeName() !== name) {
    throw new Error(`The option ${option.flags} is declared as "${name}"; name it "${flag.attributeName()}".`);
  }
  if (option.fromText === null) return flag;
  flag.argParser((text: string) => parseOptionText(option, text));
  return option.defaultValue === undefined ? flag : flag.default(option.defaultValue);
}

/**
 * The command `name` with every option of `options` registered in order.
 * @example const cli = benchCommand('bench:sql', 'What judging raw SQL costs', { samples }); const { samples: n } = cli.parse();
 */
export function benchCommand<S extends BenchOptions>(name: string, description: string, options: S): BenchCommand<S> {
  const command = new Command(name).description(description);
  for (const [key, option] of Object.entries(options)) command.addOption(commanderOption(key, option));
  return {
    command,
    parse(argv) {
      if (argv) command.parse(argv, { from: 'user' });
      else command.parse();
      const given = command.opts();
      const values: Record<string, unknown> = {};
      for (const [key, option] of Object.entries(options)) values[key] = given[key] ?? option.defaultValue;
      return values as BenchOptionValues<S>;
    },
  };
}
