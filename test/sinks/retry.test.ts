import { describe, expect, it } from "vitest";
import { SinkError, isTransientHttpError } from "../../src/sinks/errors.ts";
import { isTransientHubError } from "../../src/sinks/event-hub/producer.ts";
import { backoffDelay, retry } from "../../src/sinks/retry.ts";

const fast = { initialDelayMs: 1, maxDelayMs: 4 };

describe("backoffDelay", () => {
  it("doubles from the initial delay up to the ceiling, never beyond", () => {
    const none = { initialDelayMs: 100, maxDelayMs: 1_000, jitter: 0 };
    expect([0, 1, 2, 3, 4, 50].map((a) => backoffDelay(a, none))).toEqual([100, 200, 400, 800, 1_000, 1_000]);
  });

  it("randomizes the jittered share only", () => {
    const half = { initialDelayMs: 1_000, maxDelayMs: 1_000, jitter: 0.5 };
    expect(backoffDelay(0, half, () => 0)).toBe(500);
    expect(backoffDelay(0, half, () => 0.999999)).toBe(1_000);
  });
});

describe("retry", () => {
  it("retries transient failures until success and reports each failure", async () => {
    let calls = 0;
    const failures: boolean[] = [];
    const result = await retry(
      async () => {
        calls++;
        if (calls < 4) throw new Error("transient");
        return "ok";
      },
      { backoff: fast, isRetryable: () => true, onFailure: (_e, retryable) => failures.push(retryable) },
    );
    expect(result).toBe("ok");
    expect(failures).toEqual([true, true, true]);
  });

  it("does not retry a permanent failure", async () => {
    let calls = 0;
    const permanent = new Error("403");
    await expect(
      retry(
        async () => {
          calls++;
          throw permanent;
        },
        { backoff: fast, isRetryable: () => false },
      ),
    ).rejects.toBe(permanent);
    expect(calls).toBe(1);
  });

  it("stops at maxAttempts when one is given", async () => {
    let calls = 0;
    await expect(
      retry(
        async () => {
          calls++;
          throw new Error("x");
        },
        { backoff: fast, isRetryable: () => true, maxAttempts: 3 },
      ),
    ).rejects.toThrow("x");
    expect(calls).toBe(3);
  });

  it("ends the wait when aborted, with sink_stopped", async () => {
    const controller = new AbortController();
    const pending = retry(
      async () => {
        throw new Error("down");
      },
      { backoff: { initialDelayMs: 60_000, maxDelayMs: 60_000 }, isRetryable: () => true, signal: controller.signal },
    );
    setTimeout(() => controller.abort(), 5);
    await expect(pending).rejects.toMatchObject({ code: "sink_stopped" });
  });
});

describe("error classification", () => {
  const err = (props: object) => Object.assign(new Error("e"), props);

  it("HTTP: 408/429/5xx and unanswered requests are transient; other statuses are permanent", () => {
    expect(isTransientHttpError(err({ statusCode: 503 }))).toBe(true);
    expect(isTransientHttpError(err({ statusCode: 429 }))).toBe(true);
    expect(isTransientHttpError(err({ statusCode: 408 }))).toBe(true);
    expect(isTransientHttpError(err({ statusCode: 404 }))).toBe(false);
    expect(isTransientHttpError(err({ statusCode: 403 }))).toBe(false);
    expect(isTransientHttpError(err({ code: "ECONNREFUSED" }))).toBe(true);
    expect(isTransientHttpError(err({ cause: err({ code: "ECONNRESET" }) }))).toBe(true);
    expect(isTransientHttpError(err({ name: "RestError", code: "REQUEST_SEND_ERROR" }))).toBe(true);
    expect(isTransientHttpError(new SinkError("existing_object_unreadable", "x"))).toBe(false);
  });

  it("Event Hubs: the SDK's retryable flag decides; unmarked failures are transient, programming errors are not", () => {
    expect(isTransientHubError(err({ name: "MessagingError", retryable: true }))).toBe(true);
    expect(isTransientHubError(err({ name: "MessagingError", retryable: false }))).toBe(false);
    expect(isTransientHubError(err({ code: "ECONNRESET" }))).toBe(true);
    expect(isTransientHubError(new Error("Failed to connect"))).toBe(true);
    expect(isTransientHubError(new TypeError("bug"))).toBe(false);
  });
});
