// The broker's namespace: hubs, their partitions and consumer groups, the SAS key and the
// limits. Hub and consumer group names are case-insensitive, as in the service.
import { PartitionLog, type RetentionBound } from "./partition-log.ts";

export interface HubConfig {
  readonly name: string;
  readonly partitionCount: number;
  /** Extra consumer groups; `$Default` always exists. */
  readonly consumerGroups?: readonly string[];
  /** Overrides the namespace's retention bound for this hub's partitions. */
  readonly retention?: RetentionBound;
}

export interface NamespaceConfig {
  readonly hubs: readonly HubConfig[];
  readonly keyName: string;
  readonly key: string;
  readonly retention: RetentionBound;
  readonly maxMessageSizeBytes: number;
}

export const DEFAULT_NAMESPACE: NamespaceConfig = {
  hubs: [{ name: "hub1", partitionCount: 4 }],
  keyName: "RootManageSharedAccessKey",
  key: "SAS_KEY_VALUE",
  retention: { maxEvents: 1_000_000, maxBytes: 512 * 1024 * 1024 },
  maxMessageSizeBytes: 1024 * 1024,
};

export class Hub {
  readonly name: string;
  readonly createdAtMs = Date.now();
  readonly partitions: readonly PartitionLog[];
  readonly #consumerGroups = new Set<string>(["$default"]);

  constructor(config: HubConfig, retention: RetentionBound) {
    if (!Number.isInteger(config.partitionCount) || config.partitionCount < 1 || config.partitionCount > 1024) {
      throw new RangeError(`hub '${config.name}': partitionCount must be an integer 1..1024`);
    }
    this.name = config.name;
    this.partitions = Array.from({ length: config.partitionCount }, (_, i) => new PartitionLog(String(i), config.retention ?? retention));
    for (const group of config.consumerGroups ?? []) this.#consumerGroups.add(group.toLowerCase());
  }

  partition(id: string): PartitionLog | undefined {
    return /^\d+$/.test(id) ? this.partitions[Number(id)] : undefined;
  }

  hasConsumerGroup(name: string): boolean {
    return this.#consumerGroups.has(name.toLowerCase());
  }

  addConsumerGroup(name: string): void {
    this.#consumerGroups.add(name.toLowerCase());
  }
}

const HUB_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,255}$/;

export class LocalNamespace {
  readonly config: NamespaceConfig;
  readonly #hubs = new Map<string, Hub>();

  constructor(config: NamespaceConfig) {
    this.config = config;
    for (const hub of config.hubs) this.createHub(hub);
  }

  hub(name: string): Hub | undefined {
    return this.#hubs.get(name.toLowerCase());
  }

  hubNames(): string[] {
    return [...this.#hubs.values()].map((h) => h.name);
  }

  /** Creates a hub; an existing hub with the same name and partition count is returned as is. */
  createHub(config: HubConfig): Hub {
    if (!HUB_NAME.test(config.name)) throw new RangeError(`invalid hub name '${config.name}'`);
    const existing = this.hub(config.name);
    if (existing !== undefined) {
      if (existing.partitions.length !== config.partitionCount) {
        throw new RangeError(`hub '${config.name}' already exists with ${existing.partitions.length} partitions`);
      }
      for (const group of config.consumerGroups ?? []) existing.addConsumerGroup(group);
      return existing;
    }
    const hub = new Hub(config, this.config.retention);
    this.#hubs.set(config.name.toLowerCase(), hub);
    return hub;
  }

  deleteHub(name: string): boolean {
    return this.#hubs.delete(name.toLowerCase());
  }
}
