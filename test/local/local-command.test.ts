// `audit-enricher local` as a real child process: two connection strings on stdout that
// the real SDKs can use, and a clean stop on SIGTERM with no Azurite left behind.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { EventHubConsumerClient, EventHubProducerClient } from "@azure/event-hubs";
import { BlobServiceClient } from "@azure/storage-blob";
import { afterEach, describe, expect, it } from "vitest";
import { testRetryOptions } from "../../src/local/test-timings.ts";
import { Closer, waitFor } from "./fixture.ts";

const closer = new Closer(); // the child process
const clients = new Closer();
afterEach(async () => {
  await clients.closeAll();
  await closer.closeAll();
});

function processesMentioning(text: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0").join(" ").includes(text)) pids.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

function startLocal(args: string[]): { child: ChildProcess; lines: Promise<string[]> } {
  const child = spawn(process.execPath, ["src/cli.ts", "local", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  closer.defer(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  });
  const lines = new Promise<string[]>((resolve, reject) => {
    const got: string[] = [];
    const rl = createInterface({ input: child.stdout! });
    rl.on("line", (line) => {
      got.push(line);
      if (got.length === 2) resolve(got);
    });
    child.once("exit", (code) => reject(new Error(`exited early with ${code}`)));
  });
  return { child, lines };
}

describe("audit-enricher local", () => {
  it("prints usable Event Hubs and Blob connection strings and stops cleanly on SIGTERM", async () => {
    const { child, lines } = startLocal(["--port", "0", "--blob-port", "0", "--partitions", "2", "--hub", "clihub"]);
    const [eventHubs, blob] = await lines;
    expect(eventHubs).toMatch(/^Endpoint=sb:\/\/127\.0\.0\.1:\d+;SharedAccessKeyName=[^;]+;SharedAccessKey=[^;]+;UseDevelopmentEmulator=true;EntityPath=clihub$/);
    expect(blob).toMatch(/^DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=[^;]+;BlobEndpoint=http:\/\/127\.0\.0\.1:\d+\/devstoreaccount1;$/);
    const blobPort = /BlobEndpoint=http:\/\/127\.0\.0\.1:(\d+)/.exec(blob as string)?.[1] as string;

    const producer = clients.add(new EventHubProducerClient(eventHubs as string, { retryOptions: testRetryOptions }));
    expect((await producer.getEventHubProperties()).partitionIds).toEqual(["0", "1"]);
    await producer.sendBatch([{ body: { hello: "local" } }], { partitionId: "1" });
    const consumer = clients.add(new EventHubConsumerClient("$Default", eventHubs as string, { retryOptions: testRetryOptions }));
    const bodies: unknown[] = [];
    clients.add(
      consumer.subscribe(
        "1",
        { processEvents: async (events) => void bodies.push(...events.map((e) => e.body)), processError: async () => {} },
        { startPosition: { sequenceNumber: 0, isInclusive: true }, maxWaitTimeInSeconds: 1 },
      ),
    );
    await waitFor(() => bodies.length === 1, 10_000, "the event back");
    expect(bodies).toEqual([{ hello: "local" }]);

    const container = BlobServiceClient.fromConnectionString(blob as string).getContainerClient("local-cli");
    await container.create();
    await container.getBlockBlobClient("x").upload("hi", 2);
    expect((await container.getBlockBlobClient("x").downloadToBuffer()).toString()).toBe("hi");
    expect(processesMentioning(`--blobPort ${blobPort}`).length).toBe(1);

    await clients.closeAll();
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(processesMentioning(`--blobPort ${blobPort}`)).toEqual([]);
  });

  it("prints help with exit 0 and rejects bad options with exit 2", () => {
    const help = spawnSync(process.execPath, ["src/cli.ts", "local", "--help"], { encoding: "utf8" });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("Usage: audit-enricher local");
    const bad = spawnSync(process.execPath, ["src/cli.ts", "local", "--partitions", "zero"], { encoding: "utf8" });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("--partitions must be an integer");
  });
});
