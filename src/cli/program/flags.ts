import { type Command, Option } from 'commander';

/**
 * A command's flags as data: the program adds them to commander, and the command's options
 * type is derived from the same object (OptionsOf), so the two cannot drift apart. Each key
 * must be the name commander gives the flag's value (`--wait-timeout` -> `waitTimeout`);
 * addFlags checks that, so a wrong key fails the build (which runs every command's help).
 */
export interface FlagSpec {
  /** As commander reads it: `--all`, `--status <list>`, `-o, --output <format>`, `--no-auth`. */
  readonly flags: string;
  readonly description: string;
  readonly default?: string | boolean;
  /** The flag may be given again; its values are collected in order. */
  readonly repeatable?: boolean;
  readonly hidden?: boolean;
}

export type Flags = Readonly<Record<string, FlagSpec>>;

type ValueOf<S extends FlagSpec> = S['flags'] extends `${string}<${string}>`
  ? S['repeatable'] extends true
    ? string[] | undefined
    : S extends { default: string }
      ? string
      : string | undefined
  : S['flags'] extends `--no-${string}`
    ? boolean
    : S extends { default: boolean }
      ? boolean
      : boolean | undefined;

/** The options object commander hands a command whose flags are `F`. */
export type OptionsOf<F extends Flags> = { -readonly [K in keyof F]: ValueOf<F[K]> };

/** Keeps the literal types of a flags object (what OptionsOf reads). */
export function defineFlags<const F extends Flags>(flags: F): F {
  return flags;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** Adds each flag to the command, in order (the help lists them so). */
export function addFlags(command: Command, flags: Flags): Command {
  for (const [key, spec] of Object.entries(flags)) {
    const option = new Option(spec.flags, spec.description);
    if (option.attributeName() !== key) {
      throw new Error(`flag ${spec.flags} is keyed ${key}, not ${option.attributeName()}`);
    }
    if (spec.default !== undefined) option.default(spec.default);
    if (spec.repeatable) option.argParser(collect);
    if (spec.hidden) option.hideHelp();
    command.addOption(option);
  }
  return command;
}
