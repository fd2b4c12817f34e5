// The one place loggers are made. JSON lines on stdout: ISO time, level as a
// label, `name`, and `component`/`partition` from child loggers, e.g.
//   logger.child({ component: "blob-sink", partition: "3" })
// Secrets: the `Secret` type prints itself as "[redacted]"; on top of that every
// log line passes two backstops here: pino `redact` paths for keys that hold
// secrets, and a scrubber over each finished line for secrets embedded in text
// (SDK errors echo connection strings; child bindings skip pino's formatters).
// Logs are per batch or state change, so the cost of a regex pass is small.
import { type DestinationStream, type LevelWithSilent, type Logger, pino } from "pino";
import { redactDeep, redactError, redactSecrets } from "./redact.ts";
import { REDACTED } from "./secret.ts";

export type { Logger } from "pino";
export type LogLevel = LevelWithSilent;

export interface LoggerOptions {
  readonly level: LogLevel;
  /** Shown as `name` on every line; defaults to "audit-enricher". */
  readonly name?: string;
  /** Where lines go; defaults to stdout (synchronous, so nothing is lost on exit). */
  readonly destination?: DestinationStream | NodeJS.WritableStream;
}

// Keys whose whole value is secret, at any of the first three levels of a log
// object (config objects are logged once at start, nested by section).
const SECRET_KEYS = [
  "connectionString",
  "eventHubsConnectionString",
  "blobConnectionString",
  "sharedAccessKey",
  "sharedAccessSignature",
  "accountKey",
  "sasToken",
  "password",
  "clientSecret",
  "authorization",
  "token",
  "secret",
  "webhookUrl",
];

export const REDACT_PATHS: readonly string[] = SECRET_KEYS.flatMap((key) => [
  key,
  `*.${key}`,
  `*.*.${key}`,
  `*.*.*.${key}`,
]);

// A webhook URL is useful to see (which host?) but its query string and
// credentials are the secret; scrubbing keeps the rest.
function censor(value: unknown): unknown {
  if (typeof value === "string" && /^https?:\/\//i.test(value)) return redactSecrets(value);
  return REDACTED;
}

export function createLogger(options: LoggerOptions): Logger {
  const destination = (options.destination ?? pino.destination({ dest: 1, sync: true })) as DestinationStream;
  return pino(
    {
      name: options.name ?? "audit-enricher",
      level: options.level,
      // pid and hostname are what Kubernetes already attaches; keep lines short.
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      messageKey: "msg",
      redact: { paths: [...REDACT_PATHS], censor },
      serializers: { err: (error: unknown) => (error instanceof Error ? redactError(error) : redactDeep(error)) },
      formatters: {
        level: (label) => ({ level: label }),
        // Turns nested Errors into {type, message, stack} (JSON.stringify drops them).
        log: (object) => redactDeep(object) as Record<string, unknown>,
      },
    },
    scrubbing(destination),
  );
}

/** Every serialized line passes `redactSecrets` on its way out. */
function scrubbing(destination: DestinationStream): DestinationStream {
  const target = destination as DestinationStream & { flush?: (cb?: (error?: Error) => void) => void; flushSync?: () => void };
  const out: DestinationStream & { flush?: typeof target.flush; flushSync?: () => void } = {
    write: (line: string) => target.write(redactSecrets(line)),
  };
  // pino.final-style flushing on shutdown still reaches the real stream.
  if (typeof target.flush === "function") out.flush = target.flush.bind(target);
  if (typeof target.flushSync === "function") out.flushSync = target.flushSync.bind(target);
  return out;
}
