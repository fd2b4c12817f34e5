// The embedded Event Hubs-compatible AMQP 1.0 broker: listeners, connection bookkeeping,
// and the control surface. Protocol handling lives in link-attach.ts and the nodes.
import type { Server, Socket } from "node:net";
import rhea, { type Connection, type EventContext, type Receiver, type Sender } from "rhea";
import type { BrokerControl, HubDescription } from "./broker-control.ts";
import { BrokerConnection } from "./broker-connection.ts";
import type { ConsumerLink } from "./consumer-link.ts";
import { FaultState } from "./faults.ts";
import { type BrokerState, onConsumerAttach, onProducerAttach } from "./link-attach.ts";
import { DEFAULT_NAMESPACE, type Hub, LocalNamespace, type NamespaceConfig } from "./namespace.ts";
import { OwnerRegistry } from "./owner-registry.ts";
import type { PartitionInfo } from "./partition-log.ts";
import { createTlsCertificate } from "./tls-certificate.ts";

export interface LocalBrokerOptions {
  /** Listen address; loopback only by default. */
  readonly host?: string;
  /** Plain-TCP port (`UseDevelopmentEmulator=true`); 0 picks a free one. */
  readonly port?: number;
  readonly namespace?: Partial<NamespaceConfig>;
  /** Also listen with TLS (self-signed certificate for localhost and 127.0.0.1). */
  readonly tls?: boolean | { readonly port?: number };
}

export interface LocalBroker {
  readonly host: string;
  readonly port: number;
  readonly tlsPort: number | undefined;
  /** PEM of the self-signed certificate (trust it via NODE_EXTRA_CA_CERTS or `ca`). */
  readonly caCertPem: string | undefined;
  readonly namespace: LocalNamespace;
  readonly control: BrokerControl;
  /** `Endpoint=sb://host:port;…;UseDevelopmentEmulator=true`, with `EntityPath` when a hub is given. */
  connectionString(hub?: string): string;
  stop(): Promise<void>;
}

export async function startLocalBroker(options: LocalBrokerOptions = {}): Promise<LocalBroker> {
  const host = options.host ?? "127.0.0.1";
  const config: NamespaceConfig = { ...DEFAULT_NAMESPACE, ...options.namespace };
  const state: BrokerState = { namespace: new LocalNamespace(config), faults: new FaultState(), owners: new OwnerRegistry() };
  const connections = new Map<Connection, BrokerConnection>();
  const consumerLinks = new Map<BrokerConnection, Set<ConsumerLink>>();
  const bySender = new WeakMap<Sender, ConsumerLink>();
  const sockets = new Set<Socket>();

  const container = rhea.create_container({ id: "audit-enricher-local-broker", autoaccept: false } as never);
  const connOf = (connection: Connection): BrokerConnection => {
    let conn = connections.get(connection);
    if (conn === undefined) {
      conn = new BrokerConnection(connection);
      connections.set(connection, conn);
    }
    return conn;
  };
  const forget = (connection: Connection): void => {
    const conn = connections.get(connection);
    if (conn === undefined) return;
    connections.delete(connection);
    for (const link of consumerLinks.get(conn) ?? []) link.release();
    consumerLinks.delete(conn);
  };

  container.on("connection_open", (context: EventContext) => void connOf(context.connection));
  container.on("receiver_open", (context: EventContext) => {
    onProducerAttach(context.receiver as Receiver, connOf(context.connection), state);
  });
  container.on("sender_open", (context: EventContext) => {
    const conn = connOf(context.connection);
    const link = onConsumerAttach(context.sender as Sender, conn, state);
    if (link === undefined) return;
    bySender.set(link.sender, link);
    let set = consumerLinks.get(conn);
    if (set === undefined) {
      set = new Set();
      consumerLinks.set(conn, set);
    }
    set.add(link);
    link.onClosed(() => set.delete(link));
    link.pump();
  });
  container.on("sender_close", (context: EventContext) => {
    const sender = context.sender as Sender;
    bySender.get(sender)?.release();
    connections.get(context.connection)?.removeReplyLink(sender);
  });
  // Ending a session ends its links without a detach for each.
  container.on("session_close", (context: EventContext) => {
    const conn = connections.get(context.connection);
    for (const link of consumerLinks.get(conn as BrokerConnection) ?? []) {
      if ((link.sender as unknown as { session: unknown }).session === context.session) link.release();
    }
  });
  container.on("disconnected", (context: EventContext) => forget(context.connection));
  container.on("connection_close", (context: EventContext) => forget(context.connection));
  // Link and connection errors from clients are normal (they detach with errors too); never crash.
  container.on("error", () => {});
  container.on("connection_error", () => {});
  container.on("protocol_error", () => {});

  const servers: Server[] = [];
  const listen = async (listenOptions: Record<string, unknown>): Promise<number> => {
    const server = container.listen({ host, ...listenOptions } as never) as unknown as Server;
    servers.push(server);
    server.on("connection", (socket: Socket) => {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
    });
    server.on("secureConnection", (socket: Socket) => {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once("listening", resolve);
      server.once("error", reject);
    });
    const address = server.address();
    return typeof address === "object" && address !== null ? address.port : 0;
  };

  const port = await listen({ port: options.port ?? 0 });
  let tlsPort: number | undefined;
  let caCertPem: string | undefined;
  if (options.tls) {
    const certificate = await createTlsCertificate();
    caCertPem = certificate.certPem;
    const tlsRequested = typeof options.tls === "object" ? options.tls.port : undefined;
    tlsPort = await listen({ port: tlsRequested ?? 0, transport: "tls", key: certificate.keyPem, cert: certificate.certPem });
  }

  const describe = (hub: Hub): HubDescription => {
    const partitions: Record<string, PartitionInfo> = {};
    for (const p of hub.partitions) partitions[p.id] = p.info();
    return { name: hub.name, partitionIds: hub.partitions.map((p) => p.id), partitions };
  };

  const control: BrokerControl = {
    createHub: (hubConfig) => describe(state.namespace.createHub(hubConfig)),
    deleteHub: (name) => state.namespace.deleteHub(name),
    describeHub: (name) => {
      const hub = state.namespace.hub(name);
      return hub === undefined ? undefined : describe(hub);
    },
    resetHub: (name) => {
      const hub = state.namespace.hub(name);
      if (hub === undefined) return false;
      for (const p of hub.partitions) p.clear();
      return true;
    },
    dropConnections: (hub) => {
      const chosen = [...connections.values()].filter((c) => hub === undefined || c.auth.touches(hub));
      for (const conn of chosen) {
        forget(conn.connection);
        conn.connection.close({ condition: "amqp:connection:forced", description: "The connection was closed by the local broker (fault injection)." });
        // Like the service, drop the socket right after the close frame: a client that
        // reconnects before it sees the old socket end would otherwise trip over it.
        const socket = (conn.connection as unknown as { socket?: Socket }).socket;
        setImmediate(() => socket?.destroy());
      }
      return chosen.length;
    },
    detachReceivers: (error, hub) => {
      const targets = state.owners.all().filter((l) => hub === undefined || l.hub.toLowerCase() === hub.toLowerCase());
      for (const link of targets) link.detach(error);
      return targets.length;
    },
    rejectSends: (count, error, hub) => state.faults.rejectSends(count, error, hub),
    failManagement: (count, statusCode = 503, hub = undefined) =>
      state.faults.failManagement(count, { statusCode, description: "The server is busy (fault injection)." }, hub),
    failCbs: (count, statusCode = 503, hub = undefined) =>
      state.faults.failCbs(count, { statusCode, description: "The server is busy (fault injection)." }, hub),
    pausePartition: (hub, partition) => state.faults.pause(hub, partition),
    resumePartition: (hub, partition) => state.faults.resume(hub, partition),
    clearFaults: (hub) => state.faults.clear(hub),
    stats: () => ({ connections: connections.size, consumerLinks: state.owners.all().length, hubs: state.namespace.hubNames() }),
  };

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      const closed = servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve())));
      for (const connection of [...connections.keys()]) forget(connection);
      for (const socket of sockets) socket.destroy();
      await Promise.all(closed);
    })();
    return stopping;
  };

  return {
    host,
    port,
    tlsPort,
    caCertPem,
    namespace: state.namespace,
    control,
    connectionString: (hub?: string) =>
      `Endpoint=sb://${host}:${port};SharedAccessKeyName=${config.keyName};SharedAccessKey=${config.key};UseDevelopmentEmulator=true${hub === undefined ? "" : `;EntityPath=${hub}`}`,
    stop,
  };
}
