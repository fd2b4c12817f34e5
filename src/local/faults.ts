// Fault injection state for tests: counted one-shot failures and paused partitions.
// The broker consults it on every send, management and CBS request.

export interface AmqpErrorSpec {
  readonly condition: string;
  readonly description?: string;
}

export const FAULT_CONDITIONS = {
  serverBusy: "com.microsoft:server-busy",
  timeout: "com.microsoft:timeout",
  linkStolen: "amqp:link:stolen",
  detachForced: "amqp:link:detach-forced",
  resourceLimitExceeded: "amqp:resource-limit-exceeded",
  connectionForced: "amqp:connection:forced",
  internalError: "amqp:internal-error",
} as const;

interface Counted<T> {
  remaining: number;
  readonly value: T;
  /** Only requests for this hub (lower-cased) are affected; all hubs when undefined. */
  readonly hub: string | undefined;
}

export interface StatusFailure {
  readonly statusCode: number;
  readonly description: string;
}

export class FaultState {
  #sends: Counted<AmqpErrorSpec> | undefined;
  #management: Counted<StatusFailure> | undefined;
  #cbs: Counted<StatusFailure> | undefined;
  readonly #paused = new Set<string>();
  readonly #resumeListeners = new Set<() => void>();

  rejectSends(count: number, error: AmqpErrorSpec, hub?: string): void {
    this.#sends = { remaining: count, value: error, hub: hub?.toLowerCase() };
  }

  failManagement(count: number, failure: StatusFailure, hub?: string): void {
    this.#management = { remaining: count, value: failure, hub: hub?.toLowerCase() };
  }

  failCbs(count: number, failure: StatusFailure, hub?: string): void {
    this.#cbs = { remaining: count, value: failure, hub: hub?.toLowerCase() };
  }

  /** Consumes one injected send rejection for this hub, if any are left. */
  takeSendRejection(hub: string): AmqpErrorSpec | undefined {
    return take(this.#sends, hub);
  }

  takeManagementFailure(hub: string): StatusFailure | undefined {
    return take(this.#management, hub);
  }

  takeCbsFailure(hub: string): StatusFailure | undefined {
    return take(this.#cbs, hub);
  }

  pause(hub: string, partition: string): void {
    this.#paused.add(key(hub, partition));
  }

  resume(hub: string, partition: string): void {
    this.#paused.delete(key(hub, partition));
    for (const wake of this.#resumeListeners) wake();
  }

  isPaused(hub: string, partition: string): boolean {
    return this.#paused.size > 0 && this.#paused.has(key(hub, partition));
  }

  onResume(wake: () => void): () => void {
    this.#resumeListeners.add(wake);
    return () => this.#resumeListeners.delete(wake);
  }

  /** Clears every fault, or only those scoped to `hub` (and its paused partitions). */
  clear(hub?: string): void {
    const h = hub?.toLowerCase();
    const mine = (c: Counted<unknown> | undefined) => c !== undefined && (h === undefined || c.hub === h);
    if (mine(this.#sends)) this.#sends = undefined;
    if (mine(this.#management)) this.#management = undefined;
    if (mine(this.#cbs)) this.#cbs = undefined;
    for (const k of [...this.#paused]) if (h === undefined || k.startsWith(`${h}/`)) this.#paused.delete(k);
    for (const wake of this.#resumeListeners) wake();
  }
}

function take<T>(counted: Counted<T> | undefined, hub: string): T | undefined {
  if (counted === undefined || counted.remaining <= 0) return undefined;
  if (counted.hub !== undefined && counted.hub !== hub.toLowerCase()) return undefined;
  counted.remaining--;
  return counted.value;
}

function key(hub: string, partition: string): string {
  return `${hub.toLowerCase()}/${partition}`;
}
