// `audit-enricher local`: the embedded Event Hubs broker plus Azurite, for local
// development and demos. Prints the two connection strings, then runs until SIGINT/SIGTERM.
import { parseArgs } from "node:util";
import { startLocalServices } from "../local/local-services.ts";
import type { Command } from "./command.ts";

const HELP = `Usage: audit-enricher local [--port N] [--blob-port N] [--partitions N] [--hub NAME]

Starts a local Event Hubs-compatible AMQP broker (plain TCP, UseDevelopmentEmulator=true)
and Azurite (Blob Storage), prints two lines on stdout:
  1. the Event Hubs connection string (EntityPath = the hub)
  2. the Blob Storage connection string
and runs until Ctrl-C or SIGTERM, then stops both.
  --port N         broker port (default 5672; 0 picks a free one)
  --blob-port N    Azurite blob port (default 10000; 0 picks a free one)
  --partitions N   partitions of the hub (default 4)
  --hub NAME       hub name (default hub1)
  -h, --help       this help`;

const OPTIONS = {
  port: { type: "string" },
  "blob-port": { type: "string" },
  partitions: { type: "string" },
  hub: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

function integer(value: string | undefined, fallback: number, name: string, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new RangeError(`--${name} must be an integer from ${min} to ${max}, got '${value}'`);
  }
  return Number(value);
}

export const localCommand: Command = {
  summary: "run a local Event Hubs broker and Azurite; print their connection strings",
  async run(argv: readonly string[]): Promise<number> {
    let options: { port: number; blobPort: number; partitions: number; hub: string };
    try {
      const { values, positionals } = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
      if (values.help) {
        process.stdout.write(`${HELP}\n`);
        return 0;
      }
      if (positionals.length > 0) throw new RangeError(`unexpected argument '${positionals[0]}'`);
      options = {
        port: integer(values.port, 5672, "port", 0, 65535),
        blobPort: integer(values["blob-port"], 10000, "blob-port", 0, 65535),
        partitions: integer(values.partitions, 4, "partitions", 1, 1024),
        hub: values.hub ?? "hub1",
      };
      if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,255}$/.test(options.hub)) throw new RangeError(`--hub '${options.hub}' is not a valid hub name`);
    } catch (error) {
      process.stderr.write(`audit-enricher local: ${(error as Error).message}\n${HELP}\n`);
      return 2;
    }

    let services: Awaited<ReturnType<typeof startLocalServices>>;
    try {
      services = await startLocalServices({
        broker: { port: options.port, namespace: { hubs: [{ name: options.hub, partitionCount: options.partitions }] } },
        azurite: options.blobPort === 0 ? {} : { port: options.blobPort },
      });
    } catch (error) {
      process.stderr.write(`audit-enricher local: could not start: ${(error as Error).message}\n`);
      return 1;
    }
    const stopped = new Promise<string>((resolve) => {
      process.once("SIGINT", () => resolve("SIGINT"));
      process.once("SIGTERM", () => resolve("SIGTERM"));
    });
    process.stdout.write(`${services.broker.connectionString(options.hub)}\n`);
    process.stdout.write(`${services.azurite?.connectionString ?? ""}\n`);
    process.stderr.write(
      `audit-enricher local: hub '${options.hub}' with ${options.partitions} partitions; control API ${services.controlUrl}; Ctrl-C to stop\n`,
    );
    const signal = await stopped;
    await services.stop();
    process.stderr.write(`audit-enricher local: stopped (${signal})\n`);
    return 0;
  },
};
