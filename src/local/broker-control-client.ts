// Typed client of the broker's loopback control API (control-server.ts), for test files
// and benchmarks running in other processes than the broker.
import type { BrokerStats, HubDescription } from "./broker-control.ts";
import type { AmqpErrorSpec } from "./faults.ts";
import type { HubConfig } from "./namespace.ts";

export class BrokerControlClient {
  readonly url: string;

  constructor(url: string) {
    this.url = url.replace(/\/+$/, "");
  }

  createHub(name: string, partitionCount: number, extra: Omit<HubConfig, "name" | "partitionCount"> = {}): Promise<HubDescription> {
    return this.#call("POST", "/hubs", { name, partitionCount, ...extra });
  }

  describeHub(name: string): Promise<HubDescription> {
    return this.#call("GET", `/hubs/${encodeURIComponent(name)}`);
  }

  async deleteHub(name: string): Promise<boolean> {
    return (await this.#call<{ deleted: boolean }>("DELETE", `/hubs/${encodeURIComponent(name)}`)).deleted;
  }

  async resetHub(name: string): Promise<boolean> {
    return (await this.#call<{ reset: boolean }>("POST", `/hubs/${encodeURIComponent(name)}/reset`)).reset;
  }

  /** Closes connections (those that used `hub`, or all) with `amqp:connection:forced`; returns how many. */
  async dropConnections(hub?: string): Promise<number> {
    return (await this.#call<{ dropped: number }>("POST", "/faults/drop-connections", { hub })).dropped;
  }

  async detachReceivers(error: AmqpErrorSpec, hub?: string): Promise<number> {
    return (await this.#call<{ detached: number }>("POST", "/faults/detach-receivers", { ...error, hub })).detached;
  }

  async rejectSends(count: number, error: AmqpErrorSpec, hub?: string): Promise<void> {
    await this.#call("POST", "/faults/reject-sends", { count, ...error, hub });
  }

  async failManagement(count: number, statusCode = 503, hub?: string): Promise<void> {
    await this.#call("POST", "/faults/fail-management", { count, statusCode, hub });
  }

  async failCbs(count: number, statusCode = 503, hub?: string): Promise<void> {
    await this.#call("POST", "/faults/fail-cbs", { count, statusCode, hub });
  }

  async pausePartition(hub: string, partition: string): Promise<void> {
    await this.#call("POST", "/faults/pause-partition", { hub, partition });
  }

  async resumePartition(hub: string, partition: string): Promise<void> {
    await this.#call("POST", "/faults/resume-partition", { hub, partition });
  }

  /** Clears all injected faults, or only those scoped to `hub` (safer beside parallel test files). */
  async clearFaults(hub?: string): Promise<void> {
    await this.#call("POST", "/faults/clear", { hub });
  }

  stats(): Promise<BrokerStats> {
    return this.#call("GET", "/stats");
  }

  async #call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.url}${path}`, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { "content-type": "application/json" } }),
    });
    const parsed = (await response.json()) as T & { error?: string };
    if (!response.ok) throw new Error(`broker control ${method} ${path}: ${response.status} ${parsed.error ?? ""}`);
    return parsed;
  }
}
