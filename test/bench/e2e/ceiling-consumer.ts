// The raw SDK receive ceiling, run as its own process like the worker: the real
// EventHubConsumerClient.subscribe on every partition from earliest, with the
// worker's batch and prefetch settings, doing nothing with the events but
// counting them. Prints one JSON line with the result and exits.
//   node ceiling-consumer.ts <connectionString> <hub> <consumerGroup> <expectedEventsJSON> <maxBatchSize> <prefetch>
import { EventHubConsumerClient, earliestEventPosition } from "@azure/event-hubs";

export interface CeilingOutput {
  readonly events: number;
  readonly bytes: number;
  /** First event received to last expected event received. */
  readonly seconds: number;
  /** Process start of subscribe to the last expected event. */
  readonly wallSeconds: number;
}

async function main(argv: readonly string[]): Promise<number> {
  const [connectionString, hub, consumerGroup, expectedJson, batch, prefetch] = argv;
  if (connectionString === undefined || hub === undefined || consumerGroup === undefined || expectedJson === undefined) {
    process.stderr.write("usage: ceiling-consumer.ts <connectionString> <hub> <consumerGroup> <expected events by partition JSON> [maxBatchSize] [prefetch]\n");
    return 2;
  }
  const expected = JSON.parse(expectedJson) as Record<string, number>;
  const remaining = new Map(Object.entries(expected).filter(([, n]) => n > 0));
  const client = new EventHubConsumerClient(consumerGroup, connectionString, hub, { retryOptions: { retryDelayInMs: 200, maxRetries: 5 } });
  const started = performance.now();
  let first = 0;
  let events = 0;
  let bytes = 0;
  let finish = () => {};
  const finished = new Promise<void>((resolve) => (finish = resolve));
  if (remaining.size === 0) finish();
  const subscription = client.subscribe(
    {
      processEvents: async (received, context) => {
        if (received.length === 0) return;
        if (first === 0) first = performance.now();
        events += received.length;
        for (const event of received) bytes += (event.body as Buffer).length;
        const left = (remaining.get(context.partitionId) ?? 0) - received.length;
        if (left <= 0) remaining.delete(context.partitionId);
        else remaining.set(context.partitionId, left);
        if (remaining.size === 0) finish();
      },
      processError: async (error) => {
        process.stderr.write(`ceiling consumer: ${error.message}\n`);
      },
    },
    // The worker's receive options exactly (it tracks last-enqueued properties for its lag metric).
    { startPosition: earliestEventPosition, maxBatchSize: Number(batch ?? 500), maxWaitTimeInSeconds: 1, prefetchCount: Number(prefetch ?? 1000), skipParsingBodyAsJson: true, trackLastEnqueuedEventProperties: true },
  );
  await finished;
  const last = performance.now();
  await subscription.close();
  await client.close();
  const output: CeilingOutput = { events, bytes, seconds: (last - first) / 1000, wallSeconds: (last - started) / 1000 };
  process.stdout.write(`${JSON.stringify(output)}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`ceiling consumer failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
