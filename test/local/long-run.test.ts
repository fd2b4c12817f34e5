// Long-running clients: a load-balancing consumer asks for hub properties every loop, so
// request/response traffic must never accumulate (unsettled requests used to fill the
// client's 2048-delivery session window and stall it).
import { EventHubProducerClient } from "@azure/event-hubs";
import { afterEach, describe, expect, it } from "vitest";
import { testRetryOptions } from "../../src/local/test-timings.ts";
import { Closer, createHub } from "./fixture.ts";

const closer = new Closer();
afterEach(() => closer.closeAll());

describe("request/response nodes over a long run", () => {
  it("answers more management requests on one connection than the client's session window holds", async () => {
    const { hub, connectionString } = await createHub(1);
    const producer = closer.add(new EventHubProducerClient(connectionString, { retryOptions: { ...testRetryOptions, maxRetries: 0 } }));
    for (let i = 0; i < 2100; i++) expect((await producer.getEventHubProperties()).name).toBe(hub);
  });
});
