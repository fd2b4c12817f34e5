// Loopback HTTP front for BrokerControl, so test files in vitest worker processes can
// reach the broker the global setup started. JSON in, JSON out; see broker-control-client.ts.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { BrokerControl } from "./broker-control.ts";
import type { AmqpErrorSpec } from "./faults.ts";
import type { HubConfig } from "./namespace.ts";

export interface ControlServer {
  readonly url: string;
  stop(): Promise<void>;
}

type Body = Record<string, unknown>;
type Route = (body: Body, params: string[]) => unknown;

class HttpError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

function routes(control: BrokerControl): Array<[string, RegExp, Route]> {
  const hubOrThrow = (name: string) => {
    const hub = control.describeHub(name);
    if (hub === undefined) throw new HttpError(404, `no hub '${name}'`);
    return hub;
  };
  return [
    ["POST", /^\/hubs$/, (b) => control.createHub(b as unknown as HubConfig)],
    ["GET", /^\/hubs\/([^/]+)$/, (_, [name]) => hubOrThrow(name as string)],
    ["DELETE", /^\/hubs\/([^/]+)$/, (_, [name]) => ({ deleted: control.deleteHub(name as string) })],
    ["POST", /^\/hubs\/([^/]+)\/reset$/, (_, [name]) => ({ reset: control.resetHub(name as string) })],
    ["POST", /^\/faults\/drop-connections$/, (b) => ({ dropped: control.dropConnections(str(b.hub)) })],
    ["POST", /^\/faults\/detach-receivers$/, (b) => ({ detached: control.detachReceivers(error(b), str(b.hub)) })],
    ["POST", /^\/faults\/reject-sends$/, (b) => control.rejectSends(count(b), error(b), str(b.hub))],
    ["POST", /^\/faults\/fail-management$/, (b) => control.failManagement(count(b), num(b.statusCode), str(b.hub))],
    ["POST", /^\/faults\/fail-cbs$/, (b) => control.failCbs(count(b), num(b.statusCode), str(b.hub))],
    ["POST", /^\/faults\/pause-partition$/, (b) => control.pausePartition(reqStr(b.hub, "hub"), reqStr(b.partition, "partition"))],
    ["POST", /^\/faults\/resume-partition$/, (b) => control.resumePartition(reqStr(b.hub, "hub"), reqStr(b.partition, "partition"))],
    ["POST", /^\/faults\/clear$/, (b) => control.clearFaults(str(b.hub))],
    ["GET", /^\/stats$/, () => control.stats()],
  ];
}

const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === "number" ? v : undefined);
function reqStr(v: unknown, name: string): string {
  if (typeof v !== "string") throw new HttpError(400, `'${name}' must be a string`);
  return v;
}
function count(b: Body): number {
  if (typeof b.count !== "number" || !Number.isInteger(b.count) || b.count < 0) throw new HttpError(400, "'count' must be an integer >= 0");
  return b.count;
}
function error(b: Body): AmqpErrorSpec {
  return { condition: reqStr(b.condition, "condition"), ...(typeof b.description === "string" ? { description: b.description } : {}) };
}

export async function startControlServer(control: BrokerControl, port = 0): Promise<ControlServer> {
  const table = routes(control);
  const server: Server = createServer((req, res) => void handle(table, req, res));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  const actualPort = typeof address === "object" && address !== null ? address.port : 0;
  let stopping: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${actualPort}`,
    stop: () => {
      stopping ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return stopping;
    },
  };
}

async function handle(table: Array<[string, RegExp, Route]>, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    const body = (text === "" ? {} : JSON.parse(text)) as Body;
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    for (const [method, pattern, route] of table) {
      const match = pattern.exec(path);
      if (match === null || method !== req.method) continue;
      const result = route(body, match.slice(1).map(decodeURIComponent));
      send(res, 200, result ?? { ok: true });
      return;
    }
    send(res, 404, { error: `no route ${req.method} ${path}` });
  } catch (err) {
    const status = err instanceof HttpError ? err.status : err instanceof SyntaxError || err instanceof RangeError ? 400 : 500;
    send(res, status, { error: (err as Error).message });
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}
