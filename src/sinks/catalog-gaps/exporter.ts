// CatalogGapsExporter: the pipeline hands it every enriched record (observe);
// it keeps the unrecognized names (bounded) and every `intervalMs`, and on
// stop, writes them as an additions-format TSV to a blob or a local file. Each
// export is a full snapshot since start and replaces the previous one.
import { rename, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import type { Logger } from "pino";
import type { ContainerClientLike } from "../blob/container.ts";
import { describeError } from "../operation.ts";
import type { OutputRecord } from "../sink.ts";
import { renderGaps } from "./additions-format.ts";
import { GapTable } from "./gap-table.ts";
import { waitUntilDeadline } from "../../deadline.ts";

export type GapsTarget =
  | { readonly kind: "blob"; readonly container: ContainerClientLike; readonly prefix: string }
  | { readonly kind: "file"; readonly path: string };

export interface CatalogGapsExporterOptions {
  readonly target: GapsTarget;
  /** Default 5 minutes. */
  readonly intervalMs?: number;
  /** Distinct names kept and exported. Default 1000. */
  readonly maxNames?: number;
  /** Names the snapshot (blob name, header). Default: the host name (the pod name on Kubernetes). */
  readonly replicaId?: string;
  readonly logger?: Logger;
}

export class CatalogGapsExporter {
  readonly #options: CatalogGapsExporterOptions;
  readonly #table: GapTable;
  readonly #replicaId: string;
  #timer: NodeJS.Timeout | undefined;
  #exporting: Promise<void> = Promise.resolve();
  #stopping: Promise<void> | undefined;
  /** Observation count at the last export: skip exports when nothing changed. */
  #exportedVersion = -1;
  #version = 0;

  constructor(options: CatalogGapsExporterOptions) {
    this.#options = options;
    this.#table = new GapTable(options.maxNames ?? 1_000);
    this.#replicaId = (options.replicaId ?? hostname()).replace(/[^A-Za-z0-9._-]/g, "_") || "replica";
  }

  /** Where snapshots go: `{prefix}/{replicaId}.additions.tsv` or the file path. */
  location(): string {
    const t = this.#options.target;
    return t.kind === "file" ? t.path : `${t.prefix.replace(/\/+$/, "")}/${this.#replicaId}.additions.tsv`;
  }

  observe(record: OutputRecord): void {
    if (record.enrichment === undefined || record.enrichment.recognized) return;
    this.#table.observe(record);
    this.#version++;
  }

  start(): void {
    if (this.#timer !== undefined || this.#stopping) return;
    this.#timer = setInterval(() => void this.exportNow(), this.#options.intervalMs ?? 300_000);
    this.#timer.unref();
  }

  /** Writes a snapshot now (serialized with any export in progress). Never throws: failures are logged. */
  exportNow(): Promise<void> {
    this.#exporting = this.#exporting.then(() => this.#export());
    return this.#exporting;
  }

  stop(deadline: number): Promise<void> {
    this.#stopping ??= (async () => {
      clearInterval(this.#timer);
      await waitUntilDeadline(this.exportNow(), deadline);
    })();
    return this.#stopping;
  }

  async #export(): Promise<void> {
    if (this.#version === this.#exportedVersion) return;
    const version = this.#version;
    const text = renderGaps(this.#table.gaps(), {
      replicaId: this.#replicaId,
      since: this.#table.since,
      exportedAt: new Date().toISOString(),
      maxNames: this.#options.maxNames ?? 1_000,
      overflowRecords: this.#table.overflowRecords,
    });
    try {
      await this.#write(text);
      this.#exportedVersion = version;
      this.#options.logger?.info({ names: this.#table.size, location: this.location() }, "catalog gaps exported");
    } catch (err) {
      this.#options.logger?.warn({ location: this.location(), ...describeError(err) }, "catalog gaps export failed");
    }
  }

  async #write(text: string): Promise<void> {
    const target = this.#options.target;
    const body = Buffer.from(text);
    if (target.kind === "file") {
      // Write then rename: a reader never sees half a file.
      const tmp = `${target.path}.${process.pid}.tmp`;
      await writeFile(tmp, body);
      await rename(tmp, target.path);
      return;
    }
    await target.container.getBlockBlobClient(this.location()).upload(body, body.length, {
      blobHTTPHeaders: { blobContentType: "text/tab-separated-values; charset=utf-8" },
    });
  }
}
