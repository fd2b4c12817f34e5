// A value that must never reach a log line, a metric or an error message by
// accident: every way JavaScript turns an object into text prints "[redacted]",
// and only an explicit `.reveal()` at the point of use (an SDK constructor)
// yields the secret. pino's redaction (logger.ts) is the backstop, not the plan.
import { inspect } from "node:util";

export const REDACTED = "[redacted]";

export class Secret {
  // A true private field: not enumerable, invisible to JSON.stringify,
  // structuredClone and console.log alike.
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** The secret itself; call it only where the value is handed to a client. */
  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }

  /** Template literals and string concatenation go through this. */
  [Symbol.toPrimitive](): string {
    return REDACTED;
  }
}
