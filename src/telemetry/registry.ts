// The metrics registry the whole worker shares. Injected into every stage (each
// registers its own metrics on it) and into the health server, never the
// prom-client global, so tests can run many workers in one process.
import { collectDefaultMetrics, Registry } from "prom-client";

export interface RegistryOptions {
  /** Node's process_* and nodejs_* metrics (CPU, memory, event loop lag, GC). Default true. */
  readonly defaultMetrics?: boolean;
}

export function createRegistry(options: RegistryOptions = {}): Registry {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  return registry;
}
