import { Counter } from "prom-client";
import { describe, expect, it } from "vitest";
import { createRegistry } from "../../src/telemetry/registry.ts";

describe("createRegistry", () => {
  it("carries Node's default process metrics", async () => {
    const text = await createRegistry().metrics();
    expect(text).toMatch(/^process_cpu_seconds_total /m);
    expect(text).toMatch(/^process_resident_memory_bytes /m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds /m);
    expect(text).toMatch(/^nodejs_heap_size_used_bytes /m);
  });

  it("gives every worker its own registry (no global state between instances)", async () => {
    const a = createRegistry({ defaultMetrics: false });
    const b = createRegistry({ defaultMetrics: false });
    new Counter({ name: "audit_enricher_test_total", help: "t", registers: [a] }).inc(2);
    expect(await a.metrics()).toContain("audit_enricher_test_total 2");
    expect(await b.metrics()).toBe("\n");
  });
});
