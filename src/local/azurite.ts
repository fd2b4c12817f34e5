// Azurite (Blob service only) as a child process: free port, temporary data directory,
// readiness check, and a clean stop (SIGTERM, then SIGKILL). It can be stopped and
// started again on the same port with the same data, to simulate a storage outage.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { request } from "node:http";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { EXIT_WITH_PARENT_IMPORT, registerChildCleanup } from "./process-cleanup.ts";

/** Azurite's well-known development account (public, documented by Microsoft). */
export const AZURITE_ACCOUNT = "devstoreaccount1";
export const AZURITE_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

export interface AzuriteOptions {
  readonly port?: number;
  /** Data directory; a fresh temporary one (removed by dispose) when omitted. */
  readonly location?: string;
  readonly inMemory?: boolean;
  readonly startTimeoutMs?: number;
  readonly stopTimeoutMs?: number;
}

export function azuriteConnectionString(port: number, host = "127.0.0.1"): string {
  return `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};BlobEndpoint=http://${host}:${port}/${AZURITE_ACCOUNT};`;
}

export class Azurite {
  readonly port: number;
  readonly location: string;
  readonly connectionString: string;
  readonly #options: AzuriteOptions;
  readonly #ownsLocation: boolean;
  #child: ChildProcess | undefined;
  #unregister: (() => void) | undefined;
  #stderr = "";

  private constructor(port: number, location: string, ownsLocation: boolean, options: AzuriteOptions) {
    this.port = port;
    this.location = location;
    this.#ownsLocation = ownsLocation;
    this.#options = options;
    this.connectionString = azuriteConnectionString(port);
  }

  /** Starts Azurite on a free (or the given) port with a temporary (or the given) directory. */
  static async start(options: AzuriteOptions = {}): Promise<Azurite> {
    const port = options.port ?? (await freePort());
    const location = options.location ?? (await mkdtemp(join(tmpdir(), "azurite-")));
    const azurite = new Azurite(port, location, options.location === undefined, options);
    try {
      await azurite.start();
    } catch (error) {
      await azurite.dispose();
      throw error;
    }
    return azurite;
  }

  get running(): boolean {
    return this.#child !== undefined;
  }

  /** (Re)starts the process on the same port and data directory. No-op when running. */
  async start(): Promise<void> {
    if (this.#child !== undefined) return;
    const args = [
      "--import", EXIT_WITH_PARENT_IMPORT, azuriteBlobMain(),
      "--silent", "--location", this.location, "--blobHost", "127.0.0.1", "--blobPort", String(this.port),
      "--skipApiVersionCheck", "--disableTelemetry",
      ...(this.#options.inMemory ? ["--inMemoryPersistence"] : []),
    ];
    const child = spawn(process.execPath, args, { stdio: ["pipe", "ignore", "pipe"] });
    this.#child = child;
    this.#stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      this.#stderr = (this.#stderr + chunk.toString("utf8")).slice(-4000);
    });
    this.#unregister = registerChildCleanup(() => child.kill("SIGKILL"));
    child.once("exit", () => {
      if (this.#child === child) this.#child = undefined;
      this.#unregister?.();
    });
    try {
      await waitUntilAnswering(this.port, child, this.#options.startTimeoutMs ?? 20_000);
    } catch (error) {
      await this.stop();
      throw new Error(`Azurite did not start on port ${this.port}: ${(error as Error).message}${this.#stderr ? `\n${this.#stderr}` : ""}`);
    }
  }

  /** Stops the process (SIGTERM, then SIGKILL after the timeout); the data directory stays. */
  async stop(): Promise<void> {
    const child = this.#child;
    if (child === undefined) return;
    const exited = new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      else child.once("exit", () => resolve());
    });
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), this.#options.stopTimeoutMs ?? 5_000);
    await exited;
    clearTimeout(timer);
    if (this.#child === child) this.#child = undefined;
  }

  /** Stops the process and removes a temporary data directory. Idempotent. */
  async dispose(): Promise<void> {
    await this.stop();
    if (this.#ownsLocation) await rm(this.location, { recursive: true, force: true });
  }
}

function azuriteBlobMain(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve("azurite/package.json")), "dist", "src", "blob", "main.js");
}

/** A port the OS reports free right now (a tiny race with other processes is accepted). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitUntilAnswering(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`exited with ${child.exitCode ?? child.signalCode}`);
    if (await answers(port)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no answer within ${timeoutMs} ms`);
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host: "127.0.0.1", port, path: `/${AZURITE_ACCOUNT}?comp=list`, method: "GET", timeout: 1000 }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on("error", () => resolve(false));
    req.on("timeout", () => {
      req.destroy();
      resolve(false);
    });
    req.end();
  });
}
