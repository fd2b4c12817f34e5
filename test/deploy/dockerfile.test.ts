// The container image, checked without a container engine: the Dockerfile's stages
// parsed (pinned base, non-root numeric user, production dependencies only, the
// compiled index copied, an entrypoint the build produces), then the image's exact
// start command run against the build output laid out as the runtime stage would be.
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allSettings } from "../../src/config/schema.ts";
import { args, buildStages, copies, entrypoint, envOf, keyword, readStages, type Stage, workdir } from "./dockerfile.ts";
import { REPO, readRepoFile } from "./manifests.ts";
import { parseExposition } from "./prometheus-text.ts";
import { createTestHub, startWorker, waitReady } from "./worker-process.ts";

const stages = readStages();
const final = stages.at(-1) as Stage;
const packageJson = JSON.parse(readRepoFile("package.json")) as { scripts: Record<string, string>; devDependencies: Record<string, string> };
const installs = (stage: Stage) => keyword(stage, "RUN").filter((run) => /\b(npm (ci|install|i)|yarn|pnpm)\b/.test(run.getArgumentsContent() ?? ""));
const buildStage = stages.find((stage) => keyword(stage, "RUN").some((run) => /\bnpm run build\b/.test(run.getArgumentsContent() ?? "")));

describe("Dockerfile", () => {
  it("builds every stage on an exact Node patch release, the one development and CI use", () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const { from } of stages) {
      expect(from.getImageName()).toBe("node");
      const tag = from.getImageTag() ?? "";
      expect(tag, `FROM ${from.getImage()}`).toMatch(/^\d+\.\d+\.\d+-[a-z0-9-]+$/);
      expect(tag.split("-")[0]).toBe(packageJson.devDependencies.node);
      const digest = from.getImageDigest();
      if (digest !== null) expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    }
  });

  it("runs the final stage as a non-root numeric user and group", () => {
    const user = keyword(final, "USER").at(-1);
    expect(user, "final stage has no USER").toBeDefined();
    const [uid, gid] = (args(user as never)[0] ?? "").split(":");
    expect(uid).toMatch(/^\d+$/);
    expect(Number(uid)).toBeGreaterThan(0);
    if (gid !== undefined) expect(Number(gid)).toBeGreaterThan(0);
  });

  it("installs no development dependencies into the final stage", () => {
    for (const run of installs(final)) expect(run.getArgumentsContent()).toMatch(/--omit=dev|--production/);
    const modules = copies(final).filter((c) => c.sources.some((s) => s.endsWith("node_modules")));
    expect(modules).toHaveLength(1);
    const from = stages.find((s) => s.name === modules[0]?.fromStage);
    expect(from, "node_modules must come from a dedicated dependencies stage").toBeDefined();
    const fromInstalls = installs(from as Stage);
    expect(fromInstalls.length).toBeGreaterThan(0);
    for (const run of fromInstalls) expect(run.getArgumentsContent()).toMatch(/npm ci\b.*--omit=dev/);
    expect(from).not.toBe(buildStage);
  });

  it("compiles TypeScript and the catalog index in the build stage and copies both", () => {
    expect(buildStage).toBeDefined();
    expect(packageJson.scripts.build).toMatch(/\btsc\b/);
    expect(packageJson.scripts.build).toMatch(/catalog build/);
    const fromBuild = copies(final).filter((c) => c.fromStage === buildStage?.name);
    const copied = fromBuild.flatMap((c) => c.sources.map((s) => s.replace(`${workdir(buildStage as Stage)}/`, "")));
    expect(copied).toEqual(expect.arrayContaining(["dist", "catalog", "package.json"]));
  });

  it("starts node directly in exec form (signals reach the worker), on the run command", () => {
    const argv = entrypoint(final);
    expect(argv[0]).toBe("node");
    expect(argv.slice(2)).toEqual(["run"]);
    expect(argv[1]).toMatch(/^dist\/.+\.js$/);
    expect(keyword(final, "CMD")).toHaveLength(0);
  });

  it("exposes the metrics port the config schema defaults to", () => {
    const port = allSettings.find((s) => s.env === "AUDIT_ENRICHER_METRICS_PORT")?.default;
    expect(keyword(final, "EXPOSE").map((e) => args(e)[0])).toEqual([port]);
  });

  it("sends the build stage only what it copies (.dockerignore)", () => {
    const ignore = readRepoFile(".dockerignore").split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));
    expect(ignore[0]).toBe("**");
    const allowed = new Set(ignore.filter((l) => l.startsWith("!")).map((l) => l.slice(1)));
    const fromContext = stages.flatMap((s) => copies(s).filter((c) => c.fromStage === undefined).flatMap((c) => c.sources));
    for (const source of fromContext) {
      expect(allowed.has(source), `${source} is excluded by .dockerignore`).toBe(true);
      expect(existsSync(join(REPO, source)), `${source} does not exist`).toBe(true);
    }
    expect(ignore).toContain("**/node_modules");
  });
});

describe("the image's start command", () => {
  let image: { root: string; appDir: string };
  const filesIn = (dir: string): Map<string, number> => {
    const out = new Map<string, number>();
    const walk = (d: string) => {
      for (const name of readdirSync(d)) {
        const path = join(d, name);
        if (name === "node_modules") continue;
        const stat = statSync(path);
        if (stat.isDirectory()) walk(path);
        else out.set(path, stat.mtimeMs);
      }
    };
    walk(dir);
    return out;
  };

  beforeAll(() => {
    // Every stage, in a directory of its own: the build stage's `npm run build` runs on
    // its copy of the context, so the repository's dist/ and catalog/ stay untouched.
    const built = buildStages(stages);
    image = { root: built.root, appDir: built.dirs.get(final) as string };
  }, 320_000);

  afterAll(() => {
    if (image) rmSync(image.root, { recursive: true, force: true });
  });

  it("finds the entrypoint file and the compiled index in the assembled image", () => {
    const argv = entrypoint(final);
    expect(existsSync(join(image.appDir, argv[1] as string))).toBe(true);
    expect(existsSync(join(image.appDir, "catalog", "index.json"))).toBe(true);
    expect(existsSync(join(image.appDir, "src")), "sources must not ship").toBe(false);
    expect(existsSync(join(image.appDir, "tsconfig.json"))).toBe(false);
    // Production dependencies only: present and absent as `npm ci --omit=dev` leaves them.
    expect(existsSync(join(image.appDir, "node_modules", "@azure", "event-hubs", "package.json"))).toBe(true);
    expect(existsSync(join(image.appDir, "node_modules", "pino", "package.json"))).toBe(true);
    for (const dev of ["vitest", "typescript", "azurite", "@biomejs", "yaml"]) expect(existsSync(join(image.appDir, "node_modules", dev)), dev).toBe(false);
  });

  it("starts the worker, becomes ready, serves metrics, writes nothing to its files, and exits 0 on SIGTERM", async () => {
    const hub = await createTestHub(2, "image-entrypoint");
    const before = filesIn(image.appDir);
    // An empty HOME and a TMPDIR of its own: with a read-only root only /tmp is writable.
    const home = join(image.root, "home");
    const tmp = join(image.root, "tmp");
    mkdirSync(home);
    mkdirSync(tmp);
    const [command, ...rest] = entrypoint(final);
    expect(command).toBe("node");
    const worker = await startWorker({ name: "image-entrypoint", args: rest, cwd: image.appDir, hub, env: { ...envOf(final), HOME: home, TMPDIR: tmp } });
    try {
      const ready = await waitReady(worker);
      expect(ready).toMatchObject({ ready: true, failing: [] });
      const metrics = parseExposition(await (await fetch(worker.url("/metrics"))).text());
      expect(metrics.families.get("audit_enricher_ready")).toBe("gauge");
      expect(metrics.families.has("process_cpu_seconds_total")).toBe(true);
      expect((await fetch(worker.url("/healthz"))).status).toBe(200);
    } finally {
      expect(await worker.stop()).toBe(0);
    }
    // readOnlyRootFilesystem: the worker created or changed no file of its image.
    expect(filesIn(image.appDir)).toEqual(before);
    expect(readdirSync(home)).toEqual([]);
    expect(worker.logs.lines.some((line) => line.includes('"msg":"worker started"'))).toBe(true);
  }, 120_000);
});
