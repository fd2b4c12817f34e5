// The worker process: configuration → worker → signals. The only place that
// ends the process: graceful SIGTERM/SIGINT (exit 0 within the grace period),
// fatal misconfiguration (exit 1 with every bad setting named), and any
// unhandled rejection or uncaught exception (logged, orderly stop, exit 1).
import { ConfigError, loadConfig } from "./config/load.ts";
import type { WorkerConfig } from "./config/types.ts";
import { Worker } from "./pipeline/worker.ts";
import { createLogger, type LogLevel } from "./telemetry/logger.ts";
import { createRegistry } from "./telemetry/registry.ts";

/** Runs the worker until a stop signal; resolves with the exit code. Never exits itself. */
export async function runWorkerProcess(env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let config: WorkerConfig;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`audit-enricher run: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
  const logger = createLogger({ level: config.operations.logLevel as LogLevel });
  // Logged once; Secret values print as [redacted].
  logger.info({ config }, "configuration");
  const worker = new Worker({ config, logger, registry: createRegistry() });

  let exitCode = 0;
  let resolveStop!: () => void;
  const stopRequested = new Promise<void>((resolve) => (resolveStop = resolve));
  const requestStop = (code: number, why: string): void => {
    if (code !== 0) exitCode = code;
    logger.info({ why }, "stop requested");
    resolveStop();
  };
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    // A second Ctrl-C means "now": what is not checkpointed is replayed by the next run.
    if (++signals > 1) {
      logger.warn({ signal }, "second stop signal; exiting without waiting for the flush");
      process.exit(1);
    }
    requestStop(0, signal);
  };
  const onHup = () => void worker.reloadCatalog();
  const onRejection = (reason: unknown) => {
    logger.fatal({ err: reason }, "unhandled promise rejection; stopping");
    requestStop(1, "unhandledRejection");
  };
  const onException = (error: Error) => {
    logger.fatal({ err: error }, "uncaught exception; stopping");
    requestStop(1, "uncaughtException");
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  process.on("SIGHUP", onHup);
  process.on("unhandledRejection", onRejection);
  process.on("uncaughtException", onException);
  try {
    try {
      await Promise.race([worker.start(), stopRequested]);
    } catch (error) {
      logger.fatal({ err: error }, "worker failed to start");
      exitCode = 1;
      resolveStop();
    }
    await stopRequested;
    const graceMs = config.operations.shutdownGraceMs;
    // A stop that overruns its own deadline by far is a bug: do not hang past Kubernetes' SIGKILL.
    const watchdog = setTimeout(() => {
      logger.error({ graceMs }, "stop did not finish in time; exiting");
      process.exit(1);
    }, graceMs + 5_000);
    watchdog.unref();
    await worker.stop(Date.now() + graceMs);
    clearTimeout(watchdog);
  } finally {
    process.off("SIGTERM", onSignal);
    process.off("SIGINT", onSignal);
    process.off("SIGHUP", onHup);
  }
  logger.info({ exitCode }, "exiting");
  return exitCode;
}

/** Entry of `audit-enricher run` and `npm start`: runs the worker, then ends the process. */
export async function main(): Promise<never> {
  const code = await runWorkerProcess().catch((error: unknown) => {
    process.stderr.write(`audit-enricher run: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  });
  // SDK sockets and timers may linger after close; the worker is done, so is the process.
  process.exit(code);
}
