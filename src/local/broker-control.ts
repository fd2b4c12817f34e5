// The broker's test and operator hooks: hubs on demand, partition inspection and fault
// injection. The same surface is served over loopback HTTP by control-server.ts.
import type { AmqpErrorSpec } from "./faults.ts";
import type { HubConfig } from "./namespace.ts";
import type { PartitionInfo } from "./partition-log.ts";

export interface HubDescription {
  readonly name: string;
  readonly partitionIds: string[];
  readonly partitions: Record<string, PartitionInfo>;
}

export interface BrokerStats {
  readonly connections: number;
  readonly consumerLinks: number;
  readonly hubs: string[];
}

export interface BrokerControl {
  createHub(config: HubConfig): HubDescription;
  deleteHub(name: string): boolean;
  describeHub(name: string): HubDescription | undefined;
  /** Forgets every stored event of the hub; sequence numbers restart at 0. */
  resetHub(name: string): boolean;
  /** Closes client connections (all, or those that presented a token for `hub`) with `amqp:connection:forced`. */
  dropConnections(hub?: string): number;
  /** Detaches consumer links (all, or one hub's) with the given condition. */
  detachReceivers(error: AmqpErrorSpec, hub?: string): number;
  /** Rejects the next `count` producer transfers (to `hub`, or any) with the given condition. */
  rejectSends(count: number, error: AmqpErrorSpec, hub?: string): void;
  /** Answers the next `count` management requests (about `hub`, or any) with this status (503: server busy). */
  failManagement(count: number, statusCode?: number, hub?: string): void;
  /** Answers the next `count` CBS put-token requests (for `hub`, or any) with this status. */
  failCbs(count: number, statusCode?: number, hub?: string): void;
  pausePartition(hub: string, partition: string): void;
  resumePartition(hub: string, partition: string): void;
  /** Clears all injected faults, or only those scoped to `hub`. */
  clearFaults(hub?: string): void;
  stats(): BrokerStats;
}
