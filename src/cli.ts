#!/usr/bin/env node
// audit-enricher command line: one entry, one module per command under src/commands.
// Every command returns its exit code; this file is the only place that exits.

import type { Command } from "./commands/command.ts";

const commands: Record<string, () => Promise<Command>> = {
  demo: async () => (await import("./commands/demo.ts")).demoCommand,
  catalog: async () => (await import("./commands/catalog.ts")).catalogCommand,
  enrich: async () => (await import("./commands/enrich.ts")).enrichCommand,
  lookup: async () => (await import("./commands/lookup.ts")).lookupCommand,
  run: async () => (await import("./commands/run.ts")).runCommand,
  local: async () => (await import("./commands/local.ts")).localCommand,
};

// Summaries live here so `--help` does not load every command module.
const summaries: Record<string, string> = {
  catalog: "import, build, check, diff and describe the activity catalog",
  demo: "run the worker end to end on an embedded broker and Azurite, then summarize",
  enrich: "enrich audit events from files or stdin to NDJSON (offline)",
  local: "start a local Event Hubs broker and Azurite for development",
  lookup: "print the catalog's answer for one activity name",
  run: "start the streaming worker (Event Hubs -> enrich -> sinks)",
};

function usage(): string {
  const lines = Object.keys(commands)
    .sort()
    .map((name) => `  ${name.padEnd(9)} ${summaries[name] ?? ""}`.trimEnd());
  return ["Usage: audit-enricher <command> [options]", "", "Commands:", ...lines, "", "Run 'audit-enricher <command> --help' for a command's options."].join("\n");
}

async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(`${usage()}\n`);
    return name === undefined ? 2 : 0;
  }
  const load = commands[name];
  if (load === undefined) {
    process.stderr.write(`audit-enricher: unknown command '${name}'\n${usage()}\n`);
    return 2;
  }
  const command = await load();
  return command.run(rest);
}

// A reader that goes away early (`audit-enricher catalog stats | head`) is not an
// error of ours: stop writing quietly instead of dying on EPIPE.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw error;
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`audit-enricher: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
