// The webhook destination against a real node:http server on 127.0.0.1.
import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { pino } from "pino";
import { Registry } from "prom-client";
import { afterEach, describe, expect, it } from "vitest";
import type { Alert, UnrecognizedAlert } from "../../../src/sinks/alerts/alert.ts";
import { AlertsSink } from "../../../src/sinks/alerts/sink.ts";
import { WebhookDestination, describeWebhookUrl } from "../../../src/sinks/alerts/webhook.ts";
import { alertRecord } from "./records.ts";

type Handler = (req: IncomingMessage, res: ServerResponse, body: string, n: number) => void;

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

async function webhookServer(handler: Handler): Promise<{ url: string; bodies: string[]; headers: IncomingMessage["headers"][] }> {
  const bodies: string[] = [];
  const headers: IncomingMessage["headers"][] = [];
  let n = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString();
      bodies.push(body);
      headers.push(req.headers);
      handler(req, res, body, n++);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  cleanups.push(
    () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  );
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hooks/alerts?token=s3cr3t-token`, bodies, headers };
}

function sinkFor(url: string, options: { timeoutMs?: number; logs?: string[]; windowMs?: number } = {}): AlertsSink {
  const logs = options.logs ?? [];
  const logger = pino({ level: "debug" }, { write: (line: string) => logs.push(line) });
  const sink = new AlertsSink({
    destination: new WebhookDestination({ url, timeoutMs: options.timeoutMs ?? 2_000, headers: { authorization: "Bearer hook-secret" } }),
    source: { namespace: "ns.example", hub: "audit" },
    registry: new Registry(),
    logger,
    backoff: { initialDelayMs: 10, maxDelayMs: 50 },
    maxDelayMs: 5,
    windowMs: options.windowMs ?? 60_000,
  });
  cleanups.push(() => sink.stop(Date.now() + 2_000));
  return sink;
}

function ok(res: ServerResponse): void {
  res.writeHead(204).end();
}

describe("webhook alert destination", () => {
  it("POSTs {alerts:[...]} as JSON with the configured headers", async () => {
    const hook = await webhookServer((_req, res) => ok(res));
    const sink = sinkFor(hook.url);
    await sink.write([alertRecord(7)]);
    const body = JSON.parse(hook.bodies[0]!) as { alerts: Alert[] };
    expect(body.alerts.map((a) => a.id)).toEqual(["high_risk/ns.example/audit/1/7/0"]);
    expect(hook.headers[0]!["content-type"]).toBe("application/json");
    expect(hook.headers[0]!.authorization).toBe("Bearer hook-secret");
  });

  it("retries 503 and 429 answers until accepted, and never logs the URL's query string or headers", async () => {
    const hook = await webhookServer((_req, res, _body, n) => {
      if (n === 0) res.writeHead(503).end("busy");
      else if (n === 1) res.writeHead(429).end();
      else ok(res);
    });
    const logs: string[] = [];
    const sink = sinkFor(hook.url, { logs });
    await sink.write([alertRecord(1)]);
    expect(hook.bodies).toHaveLength(3);
    expect(new Set(hook.bodies).size).toBe(1);
    const logText = logs.join("");
    expect(logText).toContain("sink write failing, retrying");
    expect(logText).toContain('"status":503');
    expect(logText).not.toContain("s3cr3t-token");
    expect(logText).not.toContain("hook-secret");
  });

  it("gives up an attempt after the timeout and retries it", async () => {
    const hook = await webhookServer((_req, res, _body, n) => {
      if (n === 0) return; // hang: the client's timeout must end this attempt
      ok(res);
    });
    const sink = sinkFor(hook.url, { timeoutMs: 100 });
    await sink.write([alertRecord(1)]);
    expect(hook.bodies).toHaveLength(2);
  });

  it("retries while the endpoint is unreachable", async () => {
    const hook = await webhookServer((_req, res) => ok(res));
    const port = Number(new URL(hook.url).port);
    await cleanups.pop()!(); // close the server: connections are refused
    const sink = sinkFor(hook.url);
    const write = sink.write([alertRecord(1)]);
    while (sink.healthy()) await new Promise((r) => setTimeout(r, 5));
    const bodies: string[] = [];
    const server = createServer((req, res) => {
      req.on("data", (c: Buffer) => bodies.push(c.toString()));
      req.on("end", () => ok(res));
    });
    await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
    cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
    await write;
    expect(sink.healthy()).toBe(true);
    expect(bodies.join("")).toContain("high_risk/ns.example/audit/1/1/0");
  });

  it("rejects on a 4xx answer other than 408/429 without retrying", async () => {
    const hook = await webhookServer((_req, res) => res.writeHead(400).end());
    const sink = sinkFor(hook.url);
    await expect(sink.write([alertRecord(1)])).rejects.toMatchObject({ name: "WebhookStatusError", status: 400 });
    expect(hook.bodies).toHaveLength(1);
  });

  it("sends aggregated unrecognized summaries, not one request per record", async () => {
    const hook = await webhookServer((_req, res) => ok(res));
    const sink = sinkFor(hook.url, { windowMs: 50 });
    await sink.start();
    for (let i = 0; i < 300; i++) await sink.write([alertRecord(i, { recognized: false, sensitivity: "low", activity: "Unknown thing" })]);
    const summaries = () => hook.bodies.flatMap((b) => (JSON.parse(b) as { alerts: UnrecognizedAlert[] }).alerts);
    while (summaries().reduce((n, a) => n + a.count, 0) < 300) await new Promise((r) => setTimeout(r, 10));
    // One summary per window the writes spanned (normally one), never one per record.
    expect(hook.bodies.length).toBeLessThan(10);
    expect(summaries().every((a) => a.kind === "unrecognized" && a.activity === "Unknown thing")).toBe(true);
  });

  it("describes its URL for logs as origin and path only", () => {
    expect(describeWebhookUrl("https://siem.example:8443/in/x?sig=abc&k=1")).toBe("https://siem.example:8443/in/x");
  });
});
