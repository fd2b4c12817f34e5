// `npm run bench:cli`: times `audit-enricher enrich` end to end on a generated
// ~300 MB NDJSON file of Event Hubs envelopes, against a plain Node script that
// reads the same file line by line and does JSON.parse + JSON.stringify of each
// line (the floor). Both run as child processes writing to /dev/null, one after
// the other, three times; the best run of each counts. The file is generated in
// a temp dir and deleted afterwards.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createReadStream, createWriteStream, mkdtempSync, openSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { WorkloadGenerator } from "./enrich.bench.ts";

const TARGET_BYTES = Number(process.env.BENCH_CLI_MB ?? 300) * 1024 * 1024;

async function baseline(file: string): Promise<void> {
  const out = process.stdout;
  const lines = createInterface({ input: createReadStream(file, { highWaterMark: 1024 * 1024 }), crlfDelay: Number.POSITIVE_INFINITY });
  let chunk: string[] = [];
  let size = 0;
  for await (const line of lines) {
    if (line === "") continue;
    const text = JSON.stringify(JSON.parse(line));
    chunk.push(text);
    size += text.length;
    if (size > 256 * 1024) {
      if (!out.write(`${chunk.join("\n")}\n`)) await once(out, "drain");
      chunk = [];
      size = 0;
    }
  }
  if (chunk.length > 0) out.write(`${chunk.join("\n")}\n`);
}

async function generate(file: string, signInShare: number): Promise<{ bytes: number; records: number }> {
  const generator = new WorkloadGenerator(11);
  // A few thousand distinct messages, repeated: generation stays cheap, names still vary.
  const messages = generator.messages(3000, 4, signInShare).map((m) => Buffer.concat([m, Buffer.from("\n")]));
  const out = createWriteStream(file);
  let bytes = 0;
  let records = 0;
  for (let i = 0; bytes < TARGET_BYTES; i++) {
    const m = messages[i % messages.length]!;
    bytes += m.length;
    records += 4;
    if (!out.write(m)) await once(out, "drain");
  }
  out.end();
  await once(out, "finish");
  return { bytes, records };
}

async function timeChild(args: string[]): Promise<number> {
  const devNull = openSync("/dev/null", "w");
  const start = process.hrtime.bigint();
  const child = spawn(process.execPath, args, { stdio: ["ignore", devNull, "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  const [code] = (await once(child, "exit")) as [number];
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (code !== 0) throw new Error(`${args.join(" ")} exited ${code}: ${stderr}`);
  return seconds;
}

async function main(): Promise<void> {
  if (process.argv[2] === "--baseline") return baseline(process.argv[3]!);
  const dir = mkdtempSync(join(tmpdir(), "enrich-cli-bench-"));
  try {
    const rows: string[] = ["| input | path | seconds (best of 3) | records/s | MB/s | x floor |", "|---|---|---|---|---|---|"];
    for (const [name, share] of [
      ["audit only", 0],
      ["mixed hub (sign-ins ~90% of bytes)", 0.55],
    ] as const) {
      const file = join(dir, `${share}.ndjson`);
      const { records } = await generate(file, share);
      const mb = statSync(file).size / 1024 / 1024;
      const floorRuns: number[] = [];
      const cliRuns: number[] = [];
      for (let round = 0; round < 3; round++) {
        floorRuns.push(await timeChild([import.meta.filename, "--baseline", file]));
        cliRuns.push(await timeChild(["src/cli.ts", "enrich", file]));
      }
      const floor = Math.min(...floorRuns);
      for (const [path, seconds] of [
        ["node: JSON.parse + JSON.stringify per line (floor)", floor],
        ["audit-enricher enrich", Math.min(...cliRuns)],
      ] as const) {
        rows.push(`| ${name}, ${Math.round(mb)} MB | ${path} | ${seconds.toFixed(2)} | ${Math.round(records / seconds)} | ${(mb / seconds).toFixed(1)} | ${(floor / seconds).toFixed(2)} |`);
      }
      rmSync(file);
    }
    process.stdout.write(`${rows.join("\n")}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:cli: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
