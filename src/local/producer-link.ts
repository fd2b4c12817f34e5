// Handles transfers on a broker-side receiver serving an SDK sender: size limit, injected
// rejections, routing (partition target, partition-key hash or round robin), storage.
import { createHash } from "node:crypto";
import rhea, { type Delivery, type Message, type Receiver } from "rhea";
import type { FaultState } from "./faults.ts";
import type { Hub, LocalNamespace } from "./namespace.ts";
import { splitTransfer } from "./stored-event.ts";

export interface ProducerTarget {
  readonly hub: string;
  readonly partition: string | undefined;
}

const roundRobin = new WeakMap<Hub, number>();

export function attachProducerLink(receiver: Receiver, target: ProducerTarget, namespace: LocalNamespace, faults: FaultState): void {
  const maxSize = namespace.config.maxMessageSizeBytes;
  receiver.on("message", (context) => {
    const delivery = context.delivery as Delivery;
    const raw = context.message as Message | Buffer;
    const format = (context as { format?: number }).format ?? 0;
    // rhea decodes format-0 messages; batches (0x80013700) arrive as raw bytes.
    const payload = Buffer.isBuffer(raw) ? raw : (rhea.message.encode(raw) as Buffer);
    if (payload.length > maxSize) {
      delivery.reject({
        condition: "amqp:link:message-size-exceeded",
        description: `The received message (size ${payload.length} bytes) exceeds the limit (${maxSize} bytes) currently allowed on the link.`,
      });
      return;
    }
    const injected = faults.takeSendRejection(target.hub);
    if (injected !== undefined) {
      delivery.reject({ condition: injected.condition, description: injected.description ?? injected.condition });
      return;
    }
    const hub = namespace.hub(target.hub);
    if (hub === undefined) {
      delivery.reject({ condition: "amqp:not-found", description: `The messaging entity '${target.hub}' could not be found.` });
      return;
    }
    let transfer: ReturnType<typeof splitTransfer>;
    try {
      transfer = splitTransfer(payload, format);
    } catch (error) {
      delivery.reject({ condition: "amqp:decode-error", description: `undecodable transfer: ${(error as Error).message}` });
      return;
    }
    const partition = choosePartition(hub, target.partition, transfer.partitionKey);
    partition.append(transfer.events, transfer.partitionKey);
    delivery.accept();
  });
}

function choosePartition(hub: Hub, partitionId: string | undefined, partitionKey: string | undefined) {
  if (partitionId !== undefined) {
    const partition = hub.partition(partitionId);
    if (partition !== undefined) return partition;
  }
  const count = hub.partitions.length;
  if (partitionKey !== undefined) {
    // Any stable hash will do locally; the service's own hash is not reproducible.
    const digest = createHash("sha1").update(partitionKey).digest();
    return hub.partitions[digest.readUInt32BE(0) % count] ?? (hub.partitions[0] as Hub["partitions"][number]);
  }
  const next = roundRobin.get(hub) ?? 0;
  roundRobin.set(hub, (next + 1) % count);
  return hub.partitions[next] ?? (hub.partitions[0] as Hub["partitions"][number]);
}
