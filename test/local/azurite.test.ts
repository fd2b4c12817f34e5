// The Azurite harness: readiness, stop and restart on the same port with the same data,
// clean disposal, and no stray process even when its parent is SIGKILLed.
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { createInterface } from "node:readline";
import { ContainerClient } from "@azure/storage-blob";
import { afterEach, describe, expect, it } from "vitest";
import { Azurite } from "../../src/local/azurite.ts";
import { waitFor } from "./fixture.ts";

const started: Azurite[] = [];
afterEach(async () => {
  for (const a of started.splice(0)) await a.dispose();
});

function azuritePids(port: number): number[] {
  return readdirSync("/proc")
    .filter((e) => /^\d+$/.test(e))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").includes(`--blobPort ${port}`);
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe("Azurite harness", () => {
  it("survives stop and restart on the same port with the same data, then disposes cleanly", async () => {
    const azurite = await Azurite.start();
    started.push(azurite);
    const container = new ContainerClient(azurite.connectionString, "outage");
    await container.create();
    await container.getBlockBlobClient("kept").upload("data", 4);

    await azurite.stop();
    expect(azurite.running).toBe(false);
    expect(azuritePids(azurite.port)).toEqual([]);
    const down = new ContainerClient(azurite.connectionString, "outage", { retryOptions: { maxTries: 1 } });
    await expect(down.getProperties()).rejects.toBeDefined();

    await azurite.start();
    expect(azurite.running).toBe(true);
    expect((await container.getBlockBlobClient("kept").downloadToBuffer()).toString()).toBe("data");

    await azurite.dispose();
    await azurite.dispose(); // idempotent
    expect(azuritePids(azurite.port)).toEqual([]);
    expect(existsSync(azurite.location)).toBe(false);
  });

  it("leaves no Azurite running when the process that started it is SIGKILLed", async () => {
    const script = `import { Azurite } from "./src/local/azurite.ts"; const a = await Azurite.start(); console.log(a.port + " " + a.location);`;
    const parent = spawn(process.execPath, ["--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
    const [port, location] = await new Promise<[number, string]>((resolve, reject) => {
      createInterface({ input: parent.stdout! }).once("line", (line) => {
        const [p, dir] = line.split(" ");
        resolve([Number(p), dir as string]);
      });
      parent.once("exit", (code) => reject(new Error(`parent exited with ${code}`)));
    });
    expect(azuritePids(port).length).toBe(1);
    parent.kill("SIGKILL");
    await waitFor(() => azuritePids(port).length === 0, 10_000, "the orphaned Azurite to exit");
    await rm(location, { recursive: true, force: true });
  });
});
