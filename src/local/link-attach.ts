// Decides what each link attach from the SDK is and wires it up: the $cbs and
// $management request/response nodes, producer links and consumer links. Refusals are
// a detach with the condition the SDK expects, right after the attach.
import type { EventContext, Receiver, Sender } from "rhea";
import type { BrokerConnection } from "./broker-connection.ts";
import { handleCbsRequest } from "./cbs-node.ts";
import { ConsumerLink } from "./consumer-link.ts";
import { type EntityAddress, parseEntityAddress, requiredAudiencePath } from "./entity-address.ts";
import type { AmqpErrorSpec, FaultState } from "./faults.ts";
import { handleManagementRequest } from "./management-node.ts";
import type { LocalNamespace } from "./namespace.ts";
import type { OwnerRegistry } from "./owner-registry.ts";
import { attachProducerLink } from "./producer-link.ts";
import { parseStartFilter, resolveStart } from "./start-filter.ts";

export interface BrokerState {
  readonly namespace: LocalNamespace;
  readonly faults: FaultState;
  readonly owners: OwnerRegistry;
}

const SELECTOR = "apache.org:selector-filter:string";
const RUNTIME_METRIC = "com.microsoft:enable-receiver-runtime-metric";

/** The SDK's sender attached: the broker receives on it. */
export function onProducerAttach(receiver: Receiver, conn: BrokerConnection, state: BrokerState): void {
  const address = receiver.target?.address ?? "";
  echoTermini(receiver);
  if (address === "$cbs") {
    receiver.on("message", (c: EventContext) => {
      // Settle every request: unsettled ones would pile up in the client's session window.
      c.delivery?.accept();
      handleCbsRequest(c.message!, conn, state.namespace.config, state.faults);
    });
    return;
  }
  if (address === "$management") {
    receiver.on("message", (c: EventContext) => {
      c.delivery?.accept();
      handleManagementRequest(c.message!, conn, state.namespace, state.faults);
    });
    return;
  }
  const entity = parseEntityAddress(address);
  const refusal = checkEntity(entity, address, conn, state);
  if (refusal !== undefined || entity === undefined || entity.kind === "consumer") {
    receiver.close(refusal ?? notFound(address));
    return;
  }
  (receiver as unknown as { local: { attach: { max_message_size: number } } }).local.attach.max_message_size =
    state.namespace.config.maxMessageSizeBytes;
  attachProducerLink(receiver, { hub: entity.hub, partition: entity.kind === "partition" ? entity.partition : undefined }, state.namespace, state.faults);
}

/** The SDK's receiver attached: the broker sends on it. */
export function onConsumerAttach(sender: Sender, conn: BrokerConnection, state: BrokerState): ConsumerLink | undefined {
  const address = sender.source?.address ?? "";
  echoTermini(sender);
  if (address === "$cbs" || address === "$management") {
    conn.addReplyLink(sender);
    return undefined;
  }
  const entity = parseEntityAddress(address);
  const refusal = checkEntity(entity, address, conn, state);
  if (refusal !== undefined || entity === undefined || entity.kind !== "consumer") {
    sender.close(refusal ?? notFound(address));
    return undefined;
  }
  const log = state.namespace.hub(entity.hub)?.partition(entity.partition);
  if (log === undefined) return undefined;
  const filter = (sender.source as { filter?: Record<string, unknown> } | undefined)?.filter;
  const start = parseStartFilter(selectorText(filter?.[SELECTOR]));
  if (typeof start === "string") {
    sender.close({ condition: "com.microsoft:argument-error", description: start });
    return undefined;
  }
  const rawEpoch = sender.properties?.["com.microsoft:epoch"];
  const epoch = rawEpoch === undefined || rawEpoch === null ? undefined : Number(rawEpoch);
  const admission = state.owners.admit(entity.hub, entity.consumerGroup, entity.partition, epoch);
  if (!admission.admit) {
    sender.close(admission.error);
    return undefined;
  }
  for (const old of admission.evict) {
    old.detach({
      condition: "amqp:link:stolen",
      description: `New receiver with higher epoch of '${epoch}' is created hence current receiver with epoch '${old.epoch ?? "none"}' is getting disconnected.`,
    });
  }
  const desired = toArray(sender.desired_capabilities);
  const runtimeMetric = desired.includes(RUNTIME_METRIC);
  if (runtimeMetric) {
    (sender as unknown as { local: { attach: { offered_capabilities: string[] } } }).local.attach.offered_capabilities = [RUNTIME_METRIC];
  }
  const link = new ConsumerLink(sender, {
    hub: entity.hub,
    consumerGroup: entity.consumerGroup,
    log,
    startSequenceNumber: resolveStart(start, log),
    epoch,
    runtimeMetric,
    faults: state.faults,
  });
  state.owners.add(link);
  return link;
}

function checkEntity(entity: EntityAddress | undefined, address: string, conn: BrokerConnection, state: BrokerState): AmqpErrorSpec | undefined {
  if (entity === undefined) return notFound(address);
  const hub = state.namespace.hub(entity.hub);
  if (hub === undefined) return notFound(entity.hub);
  if (entity.kind === "consumer" && !hub.hasConsumerGroup(entity.consumerGroup)) {
    return notFound(`${hub.name}/ConsumerGroups/${entity.consumerGroup}`);
  }
  if (entity.kind !== "hub" && hub.partition(entity.partition) === undefined) {
    return {
      condition: "com.microsoft:argument-out-of-range",
      description: `The specified partition '${entity.partition}' is invalid for '${hub.name}'; valid partitions are 0 to ${hub.partitions.length - 1}.`,
    };
  }
  if (!conn.auth.allows(requiredAudiencePath(entity))) {
    return { condition: "amqp:unauthorized-access", description: `Unauthorized access: no valid token for '${address}'.` };
  }
  return undefined;
}

function notFound(entity: string): AmqpErrorSpec {
  return { condition: "amqp:not-found", description: `The messaging entity '${entity}' could not be found.` };
}

function echoTermini(link: Sender | Receiver): void {
  const local = (link as unknown as { local: { attach: { source?: unknown; target?: unknown } } }).local.attach;
  const remote = (link as unknown as { remote: { attach?: { source?: unknown; target?: unknown } } }).remote.attach;
  const described = (t: unknown) => (t && typeof (t as { described?: unknown }).described === "function" ? (t as { described(): unknown }).described() : undefined);
  local.source = described(remote?.source);
  local.target = described(remote?.target);
}

function selectorText(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (value && typeof value === "object" && "value" in value) return selectorText((value as { value: unknown }).value);
  return undefined;
}

function toArray(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  return typeof value === "string" ? [value] : [];
}
