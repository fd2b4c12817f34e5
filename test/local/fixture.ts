// Per-test isolation on the shared local services: a fresh hub with a unique name, a
// fresh blob container, and clients that are always closed.
import { randomUUID } from "node:crypto";
import { ContainerClient } from "@azure/storage-blob";
import { inject } from "vitest";
import { BrokerControlClient } from "../../src/local/broker-control-client.ts";

export const control = () => new BrokerControlClient(inject("brokerControlUrl"));

export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

export async function createHub(partitions: number, prefix = "hub"): Promise<{ hub: string; connectionString: string }> {
  const hub = uniqueName(prefix);
  await control().createHub(hub, partitions);
  return { hub, connectionString: `${inject("eventHubsConnectionString")};EntityPath=${hub}` };
}

export async function createContainer(): Promise<ContainerClient> {
  const container = new ContainerClient(inject("blobConnectionString"), uniqueName("ckpt"));
  await container.create();
  return container;
}

/** Closes everything registered, in reverse order, even when some close fails. */
export class Closer {
  readonly #items: Array<() => Promise<unknown>> = [];

  add<T extends { close(): Promise<unknown> }>(item: T): T {
    this.#items.push(() => item.close());
    return item;
  }

  defer(fn: () => Promise<unknown>): void {
    this.#items.push(fn);
  }

  async closeAll(): Promise<void> {
    for (const close of this.#items.splice(0).reverse()) await close().catch(() => undefined);
  }
}

export async function waitFor(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
