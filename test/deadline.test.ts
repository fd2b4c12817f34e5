import { describe, expect, it } from "vitest";
import { waitUntilDeadline, withDeadline } from "../src/deadline.ts";

describe("waitUntilDeadline", () => {
  it("returns when the work finishes before the deadline", async () => {
    let done = false;
    const work = new Promise<void>((resolve) => setTimeout(() => resolve(), 10)).then(() => {
      done = true;
    });
    await waitUntilDeadline(work, Date.now() + 5_000);
    expect(done).toBe(true);
  });

  it("returns at the deadline when the work never finishes", async () => {
    const never = new Promise<void>(() => {});
    const started = Date.now();
    await waitUntilDeadline(never, started + 50);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
  });

  it("passes the work's rejection on", async () => {
    await expect(waitUntilDeadline(Promise.reject(new Error("flush failed")), Date.now() + 1_000)).rejects.toThrow(
      "flush failed",
    );
  });
});

describe("withDeadline", () => {
  it("ends the wait on a failure instead of passing it on", async () => {
    await expect(withDeadline(Promise.reject(new Error("close failed")), Date.now() + 1_000)).resolves.toBeUndefined();
  });
});
