// The production connection path against the broker's TLS listener: a TokenCredential
// (JWT put-token), a fully qualified namespace with a port, and customEndpointAddress.
import tls from "node:tls";
import type { AccessToken, TokenCredential } from "@azure/identity";
import { EventHubConsumerClient, EventHubProducerClient } from "@azure/event-hubs";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { testRetryOptions } from "../../src/local/test-timings.ts";
import { Closer, control, uniqueName, waitFor } from "./fixture.ts";

const closer = new Closer();
afterEach(() => closer.closeAll());

// Trust the broker's self-signed certificate in this worker only (like NODE_EXTRA_CA_CERTS).
const defaults = tls.getCACertificates("default");
beforeAll(() => tls.setDefaultCACertificates([...defaults, inject("brokerCaCertPem")]));
afterAll(() => tls.setDefaultCACertificates(defaults));

class FakeCredential implements TokenCredential {
  readonly scopes: string[] = [];
  async getToken(scopes: string | string[]): Promise<AccessToken> {
    this.scopes.push(...(Array.isArray(scopes) ? scopes : [scopes]));
    return { token: "local-jwt", expiresOnTimestamp: Date.now() + 3_600_000 };
  }
}

async function roundTrip(producer: EventHubProducerClient, consumer: EventHubConsumerClient): Promise<unknown[]> {
  await producer.sendBatch([{ body: { over: "tls" } }], { partitionId: "0" });
  const bodies: unknown[] = [];
  closer.add(
    consumer.subscribe(
      "0",
      { processEvents: async (events) => void bodies.push(...events.map((e) => e.body)), processError: async () => {} },
      { startPosition: { sequenceNumber: 0, isInclusive: true }, maxWaitTimeInSeconds: 1 },
    ),
  );
  await waitFor(() => bodies.length === 1, 10_000, "the event over TLS");
  return bodies;
}

describe("TLS listener", () => {
  it("serves a TokenCredential client addressed by fully qualified namespace with port", async () => {
    const hub = uniqueName("tls");
    await control().createHub(hub, 1);
    const namespace = `localhost:${inject("brokerTlsPort")}`;
    const credential = new FakeCredential();
    const producer = closer.add(new EventHubProducerClient(namespace, hub, credential, { retryOptions: testRetryOptions }));
    const consumer = closer.add(new EventHubConsumerClient("$Default", namespace, hub, credential, { retryOptions: testRetryOptions }));
    expect((await producer.getEventHubProperties()).name).toBe(hub);
    expect(await roundTrip(producer, consumer)).toEqual([{ over: "tls" }]);
    expect(credential.scopes).toContain("https://eventhubs.azure.net//.default");
  });

  it("connects through customEndpointAddress while the logical namespace stays in use", async () => {
    const hub = uniqueName("custom");
    await control().createHub(hub, 1);
    const options = { retryOptions: testRetryOptions, customEndpointAddress: `sb://localhost:${inject("brokerTlsPort")}` };
    const credential = new FakeCredential();
    const producer = closer.add(new EventHubProducerClient("myns.servicebus.windows.net", hub, credential, options));
    const consumer = closer.add(new EventHubConsumerClient("$Default", "myns.servicebus.windows.net", hub, credential, options));
    expect(await roundTrip(producer, consumer)).toEqual([{ over: "tls" }]);
  });

  it("without UseDevelopmentEmulator=true the SDK speaks TLS and cannot use the plain listener", async () => {
    const plain = inject("eventHubsConnectionString").replace(";UseDevelopmentEmulator=true", "");
    const producer = closer.add(
      new EventHubProducerClient(`${plain};EntityPath=${uniqueName("x")}`, { retryOptions: { ...testRetryOptions, maxRetries: 0, timeoutInMs: 3000 } }),
    );
    await expect(producer.getEventHubProperties()).rejects.toBeDefined();
  });
});
