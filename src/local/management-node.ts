// `$management` READ for hub and partition properties, with the exact names and AMQP
// types the SDK reads (timestamps, longs, a string offset).
import type { Message } from "rhea";
import { amqpTypes } from "./amqp-codec.ts";
import type { BrokerConnection } from "./broker-connection.ts";
import { requiredAudiencePath } from "./entity-address.ts";
import type { FaultState } from "./faults.ts";
import type { LocalNamespace } from "./namespace.ts";

export function handleManagementRequest(request: Message, conn: BrokerConnection, namespace: LocalNamespace, faults: FaultState): void {
  const props = request.application_properties ?? {};
  const injected = faults.takeManagementFailure(typeof props.name === "string" ? props.name : "");
  if (injected !== undefined) {
    conn.reply(request, injected.statusCode, injected.description);
    return;
  }
  if (props.operation !== "READ") {
    conn.reply(request, 400, `unsupported management operation '${String(props.operation)}'`, undefined, {
      "error-condition": "com.microsoft:argument-error",
    });
    return;
  }
  const name = typeof props.name === "string" ? props.name : "";
  const hub = namespace.hub(name);
  if (hub === undefined) {
    conn.reply(request, 404, `The messaging entity '${name}' could not be found.`, undefined, {
      "error-condition": "amqp:not-found",
    });
    return;
  }
  if (!conn.auth.allows(requiredAudiencePath({ kind: "management", hub: hub.name }))) {
    conn.reply(request, 401, `Unauthorized access: no valid token for '${hub.name}/$management'.`, undefined, {
      "error-condition": "amqp:unauthorized-access",
    });
    return;
  }
  const t = amqpTypes;
  if (props.type === "com.microsoft:eventhub") {
    conn.reply(
      request,
      200,
      "OK",
      t.wrap_map({
        name: hub.name,
        type: "com.microsoft:eventhub",
        created_at: t.wrap_timestamp(hub.createdAtMs),
        partition_count: t.wrap_int(hub.partitions.length),
        partition_ids: hub.partitions.map((p) => p.id),
      }),
    );
    return;
  }
  if (props.type === "com.microsoft:partition") {
    const id = String(props.partition ?? "");
    const partition = hub.partition(id);
    if (partition === undefined) {
      conn.reply(request, 400, `The specified partition '${id}' is invalid for '${hub.name}'.`, undefined, {
        "error-condition": "com.microsoft:argument-out-of-range",
      });
      return;
    }
    const info = partition.info();
    conn.reply(
      request,
      200,
      "OK",
      t.wrap_map({
        name: hub.name,
        type: "com.microsoft:partition",
        partition: id,
        begin_sequence_number: t.wrap_long(info.beginSequenceNumber),
        last_enqueued_sequence_number: t.wrap_long(info.lastEnqueuedSequenceNumber),
        last_enqueued_offset: info.lastEnqueuedOffset,
        last_enqueued_time_utc: t.wrap_timestamp(info.lastEnqueuedTimeUtcMs),
        is_partition_empty: info.isEmpty,
      }),
    );
    return;
  }
  conn.reply(request, 400, `unsupported entity type '${String(props.type)}'`, undefined, {
    "error-condition": "com.microsoft:argument-error",
  });
}
