// Owner-level (epoch) rules per hub, consumer group and partition, as the service applies
// them: an equal or higher epoch takes the partition from every current receiver
// (`amqp:link:stolen`), a lower one is refused, and receivers without an epoch are refused
// beside an epoch receiver and limited to five.
import type { ConsumerLink } from "./consumer-link.ts";
import type { AmqpErrorSpec } from "./faults.ts";

export const MAX_RECEIVERS_WITHOUT_EPOCH = 5;

export type Admission = { readonly admit: true; readonly evict: ConsumerLink[] } | { readonly admit: false; readonly error: AmqpErrorSpec };

export class OwnerRegistry {
  readonly #links = new Map<string, Set<ConsumerLink>>();

  /** Decides whether a new receiver with this epoch may attach and whom it displaces. */
  admit(hub: string, consumerGroup: string, partition: string, epoch: number | undefined): Admission {
    const current = [...(this.#links.get(key(hub, consumerGroup, partition)) ?? [])];
    const epochs = current.flatMap((l) => (l.epoch === undefined ? [] : [l.epoch]));
    const highest = epochs.length > 0 ? Math.max(...epochs) : undefined;
    if (epoch === undefined) {
      if (highest !== undefined) {
        return refuse("amqp:link:stolen", `A receiver with epoch '${highest}' already exists; a receiver without an epoch cannot be created.`);
      }
      if (current.length >= MAX_RECEIVERS_WITHOUT_EPOCH) {
        return refuse("amqp:resource-limit-exceeded", `Exceeded the maximum number of allowed receivers per partition in a consumer group which is ${MAX_RECEIVERS_WITHOUT_EPOCH}.`);
      }
      return { admit: true, evict: [] };
    }
    if (highest !== undefined && epoch < highest) {
      return refuse("amqp:link:stolen", `Receiver with epoch '${epoch}' cannot be created because a receiver with a higher epoch '${highest}' already exists.`);
    }
    return { admit: true, evict: current };
  }

  add(link: ConsumerLink): void {
    const k = key(link.hub, link.consumerGroup, link.partitionId);
    let set = this.#links.get(k);
    if (set === undefined) {
      set = new Set();
      this.#links.set(k, set);
    }
    set.add(link);
    link.onClosed(() => {
      set.delete(link);
      if (set.size === 0 && this.#links.get(k) === set) this.#links.delete(k);
    });
  }

  all(): ConsumerLink[] {
    return [...this.#links.values()].flatMap((s) => [...s]);
  }
}

function refuse(condition: string, description: string): Admission {
  return { admit: false, error: { condition, description } };
}

function key(hub: string, consumerGroup: string, partition: string): string {
  return `${hub.toLowerCase()}/${consumerGroup.toLowerCase()}/${partition}`;
}
