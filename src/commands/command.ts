// The contract every `audit-enricher <command>` module fulfils: it returns an
// exit code (0 ok, 1 failed check or bad input, 2 usage) and never exits itself.
export interface Command {
  readonly summary: string;
  run(argv: readonly string[]): Promise<number>;
}
