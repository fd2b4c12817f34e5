// What one AMQP connection has been authorized for through CBS put-token: audience paths
// with their expiry. Every link attach checks here first.
import { audienceCovers } from "./entity-address.ts";

export class ConnectionAuth {
  readonly #grants = new Map<string, number>();

  grant(path: string, expiresAtMs: number): void {
    this.#grants.set(path, expiresAtMs);
  }

  /** Whether any token this connection presented was for this hub (or the namespace). */
  touches(hub: string): boolean {
    const h = hub.toLowerCase();
    for (const granted of this.#grants.keys()) {
      if (granted === "" || granted === h || granted.startsWith(`${h}/`)) return true;
    }
    return false;
  }

  allows(path: string, nowMs = Date.now()): boolean {
    for (const [granted, expiresAt] of this.#grants) {
      if (expiresAt > nowMs && audienceCovers(granted, path)) return true;
    }
    return false;
  }
}
