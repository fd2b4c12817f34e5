// The operator's edge: /metrics (Prometheus text), /healthz (liveness) and
// /readyz (readiness) on one small node:http server, usually on 0.0.0.0:9464.
// Probes must answer even while the pipeline is saturated, so every handler is
// synchronous apart from the registry's collection.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Registry } from "prom-client";
import { redactSecrets } from "../telemetry/redact.ts";
import { registerReadyGauge } from "./ready-gauge.ts";

export interface Check {
  readonly ok: boolean;
  readonly detail?: string;
}

export interface Readiness {
  readonly ready: boolean;
  readonly checks: Readonly<Record<string, Check>>;
}

export interface HealthServerOptions {
  readonly host: string;
  /** 0 picks a free port; the bound one is returned. */
  readonly port: number;
  readonly registry: Registry;
  /** Connected to the source, checkpoint store reachable, every sink healthy. */
  readonly readiness: () => Readiness;
  /** Optional extra liveness test (e.g. a wedged loop detector); default: answering is alive. */
  readonly liveness?: () => Check;
}

export interface HealthServer {
  readonly port: number;
  /** Stops accepting, drops keep-alive connections; idempotent. */
  close(): Promise<void>;
}

export const HEALTH_PATHS = { metrics: "/metrics", liveness: "/healthz", readiness: "/readyz" } as const;

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { "content-type": contentType, "cache-control": "no-store" });
  res.end(res.req.method === "HEAD" ? undefined : body);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  send(res, status, "application/json; charset=utf-8", `${JSON.stringify(body)}\n`);
}

/** A readiness function that throws is a failing check, never a crash. */
function evaluate(readiness: () => Readiness): Readiness {
  try {
    return readiness();
  } catch (error) {
    return { ready: false, checks: { readiness: { ok: false, detail: error instanceof Error ? error.message : "threw" } } };
  }
}

// Check details often quote an SDK error, which may quote a connection string.
function readinessBody(result: Readiness): Record<string, unknown> {
  const checks: Record<string, Check> = {};
  const failing: string[] = [];
  for (const [name, check] of Object.entries(result.checks)) {
    checks[name] = check.detail === undefined ? { ok: check.ok } : { ok: check.ok, detail: redactSecrets(check.detail) };
    if (!check.ok) failing.push(name);
  }
  return { ready: result.ready, failing, checks };
}

async function handle(options: HealthServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.setHeader("allow", "GET, HEAD");
    sendJson(res, 405, { error: "method_not_allowed" });
    return;
  }
  const path = (req.url ?? "/").split("?")[0];
  switch (path) {
    case HEALTH_PATHS.metrics: {
      const text = await options.registry.metrics();
      send(res, 200, options.registry.contentType, text);
      return;
    }
    case HEALTH_PATHS.liveness: {
      const check = options.liveness?.() ?? { ok: true };
      const detail = check.detail === undefined ? {} : { detail: redactSecrets(check.detail) };
      sendJson(res, check.ok ? 200 : 503, { alive: check.ok, ...detail });
      return;
    }
    case HEALTH_PATHS.readiness: {
      const result = evaluate(options.readiness);
      sendJson(res, result.ready ? 200 : 503, readinessBody(result));
      return;
    }
    default:
      sendJson(res, 404, { error: "not_found", paths: Object.values(HEALTH_PATHS) });
  }
}

export async function startHealthServer(options: HealthServerOptions): Promise<HealthServer> {
  registerReadyGauge(options.registry, () => evaluate(options.readiness).ready);
  const server = createServer((req, res) => {
    handle(options, req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: "internal", detail: error instanceof Error ? error.message : "failed" });
      else res.destroy();
    });
  });
  // Probes and scrapes are tiny; a slow client must not hold a socket forever.
  server.requestTimeout = 10_000;
  server.headersTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
