// `npm run bench:broker`: raw throughput through the local broker with the real SDK.
// Events/s and MB/s sent and received for 1 KB and 6 KB events, maxBatchSize 100 and
// 1000, 1 and 4 partitions, with and without checkpointing to Azurite. The broker and
// Azurite run in their own process (as in real use); producer and consumer run here.
// This is the ceiling the worker is measured against. `--json` prints rows as JSON;
// `--quick` runs a quarter of the events.
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { EventHubConsumerClient, EventHubProducerClient, earliestEventPosition } from "@azure/event-hubs";
import { BlobCheckpointStore } from "@azure/eventhubs-checkpointstore-blob";
import { ContainerClient } from "@azure/storage-blob";
import { BrokerControlClient } from "../../src/local/broker-control-client.ts";
import { testRetryOptions } from "../../src/local/test-timings.ts";

interface Services {
  readonly eventHubs: string;
  readonly blob: string;
  readonly control: string;
}

interface Row {
  readonly eventBytes: number;
  readonly maxBatchSize: number;
  readonly partitions: number;
  readonly checkpoint: boolean;
  readonly events: number;
  readonly sendEventsPerSec: number;
  readonly sendMBPerSec: number;
  readonly receiveEventsPerSec: number;
  readonly receiveMBPerSec: number;
  readonly checkpoints: number;
}

const SERVICES_SCRIPT = `
import { startLocalServices } from "./src/local/local-services.ts";
const s = await startLocalServices({ broker: { namespace: { hubs: [] } } });
console.log(JSON.stringify({ eventHubs: s.broker.connectionString(), blob: s.azurite.connectionString, control: s.controlUrl }));
const stop = () => s.stop().then(() => process.exit(0));
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
`;

async function startServices(): Promise<{ child: ChildProcess; services: Services }> {
  const child = spawn(process.execPath, ["--input-type=module", "-e", SERVICES_SCRIPT], { stdio: ["ignore", "pipe", "inherit"] });
  process.once("exit", () => child.kill("SIGKILL"));
  const services = await new Promise<Services>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once("line", (line) => resolve(JSON.parse(line) as Services));
    child.once("exit", (code) => reject(new Error(`local services exited with ${code}`)));
  });
  return { child, services };
}

/** An Entra-audit-like JSON record padded to about `bytes` when serialized. */
function auditEvent(id: number, bytes: number): Record<string, unknown> {
  const record = {
    id: `bench-${id}`,
    category: "UserManagement",
    activityDisplayName: "Update user",
    activityDateTime: new Date(1_700_000_000_000 + id).toISOString(),
    loggedByService: "Core Directory",
    operationType: "Update",
    result: "success",
    initiatedBy: { user: { id: "00000000-0000-0000-0000-000000000001", userPrincipalName: "admin@contoso.example" } },
    targetResources: [{ id: "00000000-0000-0000-0000-000000000002", type: "User", modifiedProperties: [] as unknown[] }],
    padding: "",
  };
  record.padding = "x".repeat(Math.max(0, bytes - JSON.stringify(record).length));
  return record;
}

async function runCase(services: Services, c: Omit<Row, "events" | `${string}PerSec` | "checkpoints">, events: number, index: number): Promise<Row> {
  const control = new BrokerControlClient(services.control);
  const hub = `bench-${index}-${Date.now()}`;
  await control.createHub(hub, c.partitions);
  const connectionString = `${services.eventHubs};EntityPath=${hub}`;
  const bodies = Array.from({ length: 64 }, (_, i) => auditEvent(i, c.eventBytes));
  const wireBytes = Buffer.byteLength(JSON.stringify(bodies[0]));

  // Send: one createBatch loop per partition, partitions in parallel.
  const producer = new EventHubProducerClient(connectionString, { retryOptions: testRetryOptions });
  const perPartition = Math.ceil(events / c.partitions);
  const sendStart = performance.now();
  await Promise.all(
    Array.from({ length: c.partitions }, async (_, p) => {
      let sent = 0;
      while (sent < perPartition) {
        const batch = await producer.createBatch({ partitionId: String(p) });
        while (sent < perPartition && batch.count < c.maxBatchSize && batch.tryAdd({ body: bodies[sent % bodies.length] })) sent++;
        await producer.sendBatch(batch);
      }
    }),
  );
  const sendSeconds = (performance.now() - sendStart) / 1000;
  await producer.close();
  const total = perPartition * c.partitions;

  // Receive from earliest, measured from the first event to the last.
  let container: ContainerClient | undefined;
  let consumer: EventHubConsumerClient;
  if (c.checkpoint) {
    container = new ContainerClient(services.blob, `bench-${index}-${Date.now()}`);
    await container.create();
    consumer = new EventHubConsumerClient("$Default", connectionString, new BlobCheckpointStore(container), {
      retryOptions: testRetryOptions,
      loadBalancingOptions: { strategy: "greedy", updateIntervalInMs: 1000, partitionOwnershipExpirationIntervalInMs: 10_000 },
    });
  } else {
    consumer = new EventHubConsumerClient("$Default", connectionString, { retryOptions: testRetryOptions });
  }
  let received = 0;
  let checkpoints = 0;
  let first = 0;
  let last = 0;
  let finish: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const subscription = consumer.subscribe(
      {
        processEvents: async (batch, context) => {
          if (batch.length === 0) return;
          if (first === 0) first = performance.now();
          received += batch.length;
          if (c.checkpoint) {
            await context.updateCheckpoint(batch[batch.length - 1]!);
            checkpoints++;
          }
          if (received >= total && last === 0) {
            last = performance.now();
            finish();
          }
        },
        processError: async () => {},
      },
      { startPosition: earliestEventPosition, maxBatchSize: c.maxBatchSize, maxWaitTimeInSeconds: 1 },
  );
  await done;
  await subscription.close();
  await consumer.close();
  await container?.delete();
  await control.deleteHub(hub);
  const receiveSeconds = (last - first) / 1000;
  const mb = (total * wireBytes) / 1e6;
  return {
    ...c,
    events: total,
    sendEventsPerSec: Math.round(total / sendSeconds),
    sendMBPerSec: Number((mb / sendSeconds).toFixed(1)),
    receiveEventsPerSec: Math.round(total / receiveSeconds),
    receiveMBPerSec: Number((mb / receiveSeconds).toFixed(1)),
    checkpoints,
  };
}

function table(rows: readonly Row[]): string {
  const head = ["event", "maxBatch", "partitions", "checkpoint", "events", "send ev/s", "send MB/s", "recv ev/s", "recv MB/s", "checkpoints"];
  const cells = rows.map((r) => [
    `${r.eventBytes / 1024} KB`,
    String(r.maxBatchSize),
    String(r.partitions),
    r.checkpoint ? "Azurite" : "none",
    String(r.events),
    String(r.sendEventsPerSec),
    r.sendMBPerSec.toFixed(1),
    String(r.receiveEventsPerSec),
    r.receiveMBPerSec.toFixed(1),
    String(r.checkpoints),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((row) => (row[i] as string).length)));
  const line = (values: string[]) => `| ${values.map((v, i) => v.padStart(widths[i]!)).join(" | ")} |`;
  return [line(head), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...cells.map(line)].join("\n");
}

async function main(argv: readonly string[]): Promise<number> {
  if (argv.includes("--help")) {
    process.stdout.write("Usage: node test/bench/broker-throughput.ts [--json] [--quick]\n");
    return 0;
  }
  const json = argv.includes("--json");
  const scale = argv.includes("--quick") ? 0.25 : 1;
  const { child, services } = await startServices();
  const rows: Row[] = [];
  try {
    let index = 0;
    for (const eventBytes of [1024, 6144]) {
      for (const maxBatchSize of [100, 1000]) {
        for (const partitions of [1, 4]) {
          for (const checkpoint of [false, true]) {
            const events = Math.round((eventBytes === 1024 ? 20_000 : 6_000) * scale);
            const row = await runCase(services, { eventBytes, maxBatchSize, partitions, checkpoint }, events, index++);
            rows.push(row);
            if (!json) process.stderr.write(`${JSON.stringify(row)}\n`);
          }
        }
      }
    }
  } finally {
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
  }
  process.stdout.write(json ? `${JSON.stringify(rows, null, 2)}\n` : `${table(rows)}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`broker-throughput: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  },
);
