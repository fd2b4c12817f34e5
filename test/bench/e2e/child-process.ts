// Starting and stopping the bench's child processes (ceiling consumer, worker
// replicas): Node 24 running TypeScript, killed with the bench however it ends.
import { type ChildProcess, spawn } from "node:child_process";
import { EXIT_WITH_PARENT_IMPORT, registerChildCleanup } from "../../../src/local/process-cleanup.ts";

export const REPO_ROOT = new URL("../../../", import.meta.url).pathname.replace(/\/$/, "");

/**
 * The worker as the image runs it: the compiled build (the npm scripts build first). Running
 * src/cli.ts would add Node's TypeScript stripper to every figure (start-up, CPU, RSS).
 */
export const WORKER_SCRIPT = "dist/cli.js";

export interface BenchChild {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Everything the child wrote, stdout then stderr interleaved as received (bounded by `keepOutputBytes`). */
  output(): string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface SpawnOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly nodeFlags?: readonly string[];
  /** Keep at most this much output in memory (default 4 MB); `onOutput` still sees all of it. */
  readonly keepOutputBytes?: number;
  readonly onOutput?: (chunk: string) => void;
}

export function spawnNode(script: string, args: readonly string[], options: SpawnOptions = {}): BenchChild {
  const child = spawn(process.execPath, ["--import", EXIT_WITH_PARENT_IMPORT, ...(options.nodeFlags ?? []), script, ...args], {
    cwd: REPO_ROOT,
    env: options.env ?? process.env,
    stdio: ["pipe", "pipe", "pipe"],
  });
  if (child.pid === undefined) throw new Error(`could not start ${script}`);
  const keep = options.keepOutputBytes ?? 4 * 1024 * 1024;
  let output = "";
  const take = (chunk: Buffer) => {
    const text = chunk.toString("utf8");
    options.onOutput?.(text);
    output += text;
    if (output.length > keep) output = output.slice(-keep);
  };
  child.stdout?.on("data", take);
  child.stderr?.on("data", take);
  const unregister = registerChildCleanup(() => child.kill("SIGKILL"));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("exit", (code, signal) => {
      unregister();
      resolve({ code, signal });
    });
  });
  return {
    child,
    pid: child.pid,
    output: () => output,
    exited,
    async stop(graceMs = 15_000) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
        const result = await exited;
        clearTimeout(timer);
        return result;
      }
      return exited;
    },
  };
}
