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

  rejectSends(count: number, error: AmqpErrorSpec): void {
    this.#sends = { remaining: count, value: error };
  }

  failManagement(count: number, failure: StatusFailure): void {
    this.#management = { remaining: count, value: failure };
  }

  failCbs(count: number, failure: StatusFailure): void {
    this.#cbs = { remaining: count, value: failure };
  }

  /** Consumes one injected send rejection, if any are left. */
  takeSendRejection(): AmqpErrorSpec | undefined {
    return take(this.#sends);
  }

  takeManagementFailure(): StatusFailure | undefined {
    return take(this.#management);
  }

  takeCbsFailure(): StatusFailure | undefined {
    return take(this.#cbs);
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

  clear(): void {
    this.#sends = undefined;
    this.#management = undefined;
    this.#cbs = undefined;
    this.#paused.clear();
    for (const wake of this.#resumeListeners) wake();
  }
}

function take<T>(counted: Counted<T> | undefined): T | undefined {
  if (counted === undefined || counted.remaining <= 0) return undefined;
  counted.remaining--;
  return counted.value;
}

function key(hub: string, partition: string): string {
  return `${hub.toLowerCase()}/${partition}`;
}
