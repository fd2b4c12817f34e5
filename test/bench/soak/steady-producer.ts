// Sends the generated stream at a fixed rate: every 100 ms the events due by
// then, as one batch per partition, so the load is steady rather than bursty.
import { EventHubProducerClient } from "@azure/event-hubs";
import { addToTotals, emptyTotals, type GeneratedEvent, type StreamTotals } from "../e2e/stream.ts";

export interface SteadyProducerOptions {
  readonly connectionString: string;
  readonly hub: string;
  readonly partitionIds: readonly string[];
  readonly eventsPerSecond: number;
  readonly events: Iterator<GeneratedEvent>;
  /** Called for every event sent, with its partition (exactly-once bookkeeping). */
  readonly onSent?: (event: GeneratedEvent, partitionId: string) => void;
}

export class SteadyProducer {
  readonly #options: SteadyProducerOptions;
  readonly #client: EventHubProducerClient;
  readonly totals: StreamTotals = emptyTotals();
  /** Events sent per partition (the last sequence number is this minus one on a fresh hub). */
  readonly sentByPartition = new Map<string, number>();
  #stopped = false;
  #loop: Promise<void> | undefined;
  /** Time the producer fell behind its schedule by more than a second, in total. */
  behindSeconds = 0;

  constructor(options: SteadyProducerOptions) {
    this.#options = options;
    this.#client = new EventHubProducerClient(options.connectionString, options.hub, { retryOptions: { retryDelayInMs: 200, maxRetries: 10 } });
  }

  start(): void {
    this.#loop = this.#run();
  }

  async #run(): Promise<void> {
    const { partitionIds, eventsPerSecond } = this.#options;
    const started = performance.now();
    let sent = 0;
    let next = 0;
    while (!this.#stopped) {
      const elapsed = (performance.now() - started) / 1000;
      const due = Math.floor(elapsed * eventsPerSecond) - sent;
      if (due > eventsPerSecond) this.behindSeconds += 0.1;
      const perPartition = new Map<string, Buffer[]>();
      for (let i = 0; i < due; i++) {
        const item = this.#options.events.next();
        if (item.done) {
          this.#stopped = true;
          break;
        }
        const partitionId = partitionIds[next++ % partitionIds.length] as string;
        addToTotals(this.totals, item.value);
        this.sentByPartition.set(partitionId, (this.sentByPartition.get(partitionId) ?? 0) + 1);
        this.#options.onSent?.(item.value, partitionId);
        const list = perPartition.get(partitionId) ?? [];
        list.push(item.value.body);
        perPartition.set(partitionId, list);
        sent++;
      }
      await Promise.all([...perPartition].map(([partitionId, bodies]) => this.#send(partitionId, bodies)));
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async #send(partitionId: string, bodies: readonly Buffer[]): Promise<void> {
    let batch = await this.#client.createBatch({ partitionId });
    for (const body of bodies) {
      if (batch.tryAdd({ body })) continue;
      await this.#client.sendBatch(batch);
      batch = await this.#client.createBatch({ partitionId });
      if (!batch.tryAdd({ body })) throw new Error(`event of ${body.length} bytes does not fit an empty batch`);
    }
    if (batch.count > 0) await this.#client.sendBatch(batch);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#loop;
    await this.#client.close();
  }
}
