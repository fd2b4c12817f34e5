// Catalog updates while running: a new index artifact is loaded on SIGHUP or
// when its file changes (debounced), verified by the catalog loader, and swapped
// in with one assignment, so every event is enriched by exactly one version (the
// pipeline reads current() once per event). A bad artifact is refused and the
// running one kept, with a log line and audit_enricher_catalog_reloads_total.
import { createHash } from "node:crypto";
import { type FSWatcher, readFileSync, watch } from "node:fs";
import { dirname } from "node:path";
import type { Logger } from "pino";
import type { ActivityLookup } from "../catalog/enrichment.ts";
import type { LabelCanonicalizer, PipelineMetrics } from "./metrics.ts";

export type LoadedCatalog = ActivityLookup & LabelCanonicalizer;

export interface CatalogReloaderOptions<C extends LoadedCatalog> {
  readonly path: string;
  readonly watch: boolean;
  readonly load: (path: string) => C;
  readonly metrics: PipelineMetrics;
  readonly logger: Logger;
  readonly debounceMs?: number;
}

export class CatalogReloader<C extends LoadedCatalog> {
  readonly #o: CatalogReloaderOptions<C>;
  #current: C;
  #watcher: FSWatcher | undefined;
  #timer: NodeJS.Timeout | undefined;
  /** Content hash of the artifact bytes last loaded (or refused), so a directory event without a change is ignored. */
  #seen: string | undefined;

  /** Loads the first version; throws (a fatal start-up error) when it is bad. */
  constructor(options: CatalogReloaderOptions<C>) {
    this.#o = options;
    this.#seen = contentHash(options.path);
    this.#current = options.load(options.path);
    options.metrics.useCatalog(this.#current.version, this.#current);
  }

  current(): C {
    return this.#current;
  }

  /** Loads the artifact again; returns true when a new version is in use. */
  reload(trigger: "signal" | "file_change" | "request"): boolean {
    const { metrics, logger, path } = this.#o;
    let next: C;
    this.#seen = contentHash(path);
    try {
      next = this.#o.load(path);
    } catch (error) {
      metrics.catalogReloads.inc({ result: "refused" });
      logger.error({ component: "catalog", trigger, path, err: error, keptVersion: this.#current.version }, "catalog reload refused; keeping the running version");
      return false;
    }
    const previous = this.#current.version;
    this.#current = next;
    metrics.catalogReloads.inc({ result: "ok" });
    metrics.useCatalog(next.version, next);
    logger.info({ component: "catalog", trigger, path, version: next.version, previous }, previous === next.version ? "catalog reloaded (same version)" : "catalog reloaded");
    return true;
  }

  /**
   * Watches the artifact's directory: editors and `mv` replace the file, which a file watch would miss, and a
   * Kubernetes ConfigMap volume is updated by swapping its `..data` symlink, so the event names `..data`, never
   * the artifact. Any event in the directory is therefore debounced and the artifact reloaded only when its
   * content hash changed.
   */
  start(): void {
    if (!this.#o.watch || this.#watcher !== undefined) return;
    try {
      this.#watcher = watch(dirname(this.#o.path), () => {
        clearTimeout(this.#timer);
        this.#timer = setTimeout(() => this.#changed(), this.#o.debounceMs ?? 300);
        this.#timer.unref();
      });
      this.#watcher.unref();
      this.#watcher.on("error", (error) => this.#o.logger.warn({ component: "catalog", err: error }, "catalog file watch failed; SIGHUP still reloads"));
    } catch (error) {
      this.#o.logger.warn({ component: "catalog", err: error }, "cannot watch the catalog file; SIGHUP still reloads");
    }
  }

  #changed(): void {
    const hash = contentHash(this.#o.path);
    // Unreadable (deleted, mid-replacement): reload reports it; unchanged bytes: nothing to do.
    if (hash !== undefined && hash === this.#seen) return;
    this.reload("file_change");
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#watcher?.close();
    this.#watcher = undefined;
  }
}

/** sha256 of the file's bytes (through symlinks), or undefined when it cannot be read. */
function contentHash(path: string): string | undefined {
  try {
    return createHash("sha256").update(readFileSync(path)).digest("hex");
  } catch {
    return undefined;
  }
}
