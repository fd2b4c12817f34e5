import type { Command } from "./command.ts";

const HELP = `Usage: audit-enricher run

Runs the streaming worker: Event Hubs → decode → enrich → route → Blob Storage /
Event Hub, alerts and dead letters, checkpointing only what every sink acknowledged.
Every setting comes from AUDIT_ENRICHER_* environment variables (optionally a JSON file
named by AUDIT_ENRICHER_CONFIG_FILE); see the README's "Configuration" table.

Signals: SIGTERM/SIGINT stop gracefully (exit 0), SIGHUP reloads the catalog.
Exit codes: 0 stopped cleanly, 1 bad configuration or fatal error, 2 usage.
`;

export const runCommand: Command = {
  summary: "run the streaming worker (settings from AUDIT_ENRICHER_* environment variables)",
  async run(argv: readonly string[]): Promise<number> {
    if (argv.includes("--help") || argv.includes("-h")) {
      process.stdout.write(HELP);
      return 0;
    }
    if (argv.length > 0) {
      process.stderr.write(`audit-enricher run: unexpected argument '${argv[0]}'\n${HELP}`);
      return 2;
    }
    const { main } = await import("../main.ts");
    return main();
  },
};
