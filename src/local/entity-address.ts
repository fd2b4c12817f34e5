// Link addresses and CBS audiences as the SDK writes them, parsed into what they name.

export type EntityAddress =
  | { readonly kind: "hub"; readonly hub: string }
  | { readonly kind: "partition"; readonly hub: string; readonly partition: string }
  | { readonly kind: "consumer"; readonly hub: string; readonly consumerGroup: string; readonly partition: string };

const CONSUMER = /^([^/]+)\/ConsumerGroups\/([^/]+)\/Partitions\/([^/]+)$/i;
const PARTITION = /^([^/]+)\/Partitions\/([^/]+)$/i;

export function parseEntityAddress(address: string): EntityAddress | undefined {
  const consumer = CONSUMER.exec(address);
  if (consumer !== null) {
    const [, hub, consumerGroup, partition] = consumer as unknown as [string, string, string, string];
    return { kind: "consumer", hub, consumerGroup, partition };
  }
  const partition = PARTITION.exec(address);
  if (partition !== null) {
    const [, hub, id] = partition as unknown as [string, string, string];
    return { kind: "partition", hub, partition: id };
  }
  if (/^[^/$]+$/.test(address)) return { kind: "hub", hub: address };
  return undefined;
}

/** The path part of an audience (`sb://host:port/hub/...` → `hub/...`), lower-cased. */
export function audiencePath(audience: string): string {
  const withoutScheme = audience.replace(/^[a-z]+:\/\//i, "");
  const slash = withoutScheme.indexOf("/");
  const path = slash < 0 ? "" : withoutScheme.slice(slash + 1);
  return path.replace(/\/+$/, "").toLowerCase();
}

/** The audience path a link to this address needs a token for. */
export function requiredAudiencePath(address: EntityAddress | { kind: "management"; hub: string }): string {
  switch (address.kind) {
    case "hub":
      return address.hub.toLowerCase();
    case "management":
      return `${address.hub}/$management`.toLowerCase();
    case "partition":
      return `${address.hub}/partitions/${address.partition}`.toLowerCase();
    case "consumer":
      return `${address.hub}/consumergroups/${address.consumerGroup}/partitions/${address.partition}`.toLowerCase();
  }
}

/** Audiences for a parent entity (or the whole namespace: "") cover their children. */
export function audienceCovers(granted: string, wanted: string): boolean {
  return granted === "" || wanted === granted || wanted.startsWith(`${granted}/`);
}
