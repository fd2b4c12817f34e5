import { Counter } from "prom-client";
import { afterEach, describe, expect, it } from "vitest";
import { type HealthServer, type Readiness, startHealthServer } from "../../src/health/server.ts";
import { createRegistry } from "../../src/telemetry/registry.ts";

const servers: HealthServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function start(readiness: () => Readiness, extra: { liveness?: () => { ok: boolean; detail?: string } } = {}) {
  const registry = createRegistry();
  const server = await startHealthServer({ host: "127.0.0.1", port: 0, registry, readiness, ...extra });
  servers.push(server);
  const url = (path: string) => `http://127.0.0.1:${server.port}${path}`;
  return { registry, server, url };
}

const READY: Readiness = { ready: true, checks: { source: { ok: true }, checkpoints: { ok: true }, "sink:blob": { ok: true } } };

describe("health server", () => {
  it("binds a free port when asked for port 0", async () => {
    const { server } = await start(() => READY);
    expect(server.port).toBeGreaterThan(0);
  });

  it("serves the injected registry as Prometheus text, with the ready gauge", async () => {
    const { registry, url } = await start(() => READY);
    new Counter({ name: "audit_enricher_test_events_total", help: "t", registers: [registry] }).inc(7);
    const response = await fetch(url("/metrics"));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/plain");
    const text = await response.text();
    expect(text).toContain("audit_enricher_test_events_total 7");
    expect(text).toMatch(/^audit_enricher_ready 1$/m);
    expect(text).toMatch(/^process_cpu_seconds_total /m);
  });

  it("answers /healthz while the process runs, 503 when the liveness check fails", async () => {
    let alive = true;
    const { url } = await start(() => READY, { liveness: () => (alive ? { ok: true } : { ok: false, detail: "loop wedged" }) });
    expect((await fetch(url("/healthz"))).status).toBe(200);
    alive = false;
    const response = await fetch(url("/healthz"));
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ alive: false, detail: "loop wedged" });
  });

  it("reports readiness 200 / 503 with the failing checks, and the gauge follows", async () => {
    let state: Readiness = READY;
    const { url } = await start(() => state);
    const ok = await fetch(url("/readyz"));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ ready: true, failing: [] });

    state = {
      ready: false,
      checks: {
        source: { ok: true },
        "sink:blob": { ok: false, detail: "retries exhausted: AccountKey=S3cretForHealthTest;" },
        checkpoints: { ok: false, detail: "store unreachable" },
      },
    };
    const failing = await fetch(url("/readyz"));
    expect(failing.status).toBe(503);
    const body = (await failing.json()) as { failing: string[]; checks: Record<string, { detail?: string }> };
    expect(body.failing).toEqual(["sink:blob", "checkpoints"]);
    expect(body.checks["sink:blob"]?.detail).toBe("retries exhausted: AccountKey=[redacted];");
    expect(await (await fetch(url("/metrics"))).text()).toMatch(/^audit_enricher_ready 0$/m);
  });

  it("treats a readiness function that throws as not ready", async () => {
    const { url } = await start(() => {
      throw new Error("pipeline not started");
    });
    const response = await fetch(url("/readyz"));
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ ready: false, failing: ["readiness"] });
  });

  it("answers 404 for unknown paths and 405 for other methods; HEAD has no body", async () => {
    const { url } = await start(() => READY);
    expect((await fetch(url("/nope"))).status).toBe(404);
    const post = await fetch(url("/metrics"), { method: "POST" });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET, HEAD");
    const head = await fetch(url("/readyz"), { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
    expect((await fetch(url("/readyz?verbose=1"))).status).toBe(200);
  });

  it("close() frees the port and is idempotent, even with a keep-alive client", async () => {
    const { server, url } = await start(() => READY);
    await fetch(url("/healthz"), { keepalive: true });
    await Promise.all([server.close(), server.close()]);
    await expect(fetch(url("/healthz"))).rejects.toThrow();
  });

  it("keeps one ready series when a server is restarted on the same registry", async () => {
    const registry = createRegistry({ defaultMetrics: false });
    const first = await startHealthServer({ host: "127.0.0.1", port: 0, registry, readiness: () => READY });
    await first.close();
    const second = await startHealthServer({ host: "127.0.0.1", port: 0, registry, readiness: () => ({ ready: false, checks: {} }) });
    servers.push(second);
    const text = await (await fetch(`http://127.0.0.1:${second.port}/metrics`)).text();
    expect(text.match(/^audit_enricher_ready /gm)).toHaveLength(1);
    expect(text).toMatch(/^audit_enricher_ready 0$/m);
  });

  it("fails to start, with the OS error, when the port is taken", async () => {
    const { server } = await start(() => READY);
    await expect(
      startHealthServer({ host: "127.0.0.1", port: server.port, registry: createRegistry(), readiness: () => READY }),
    ).rejects.toThrow(/EADDRINUSE/);
  });
});
