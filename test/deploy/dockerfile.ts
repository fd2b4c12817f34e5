// The Dockerfile read as stages (dockerfile-ast), and its stages run on disk the way
// `docker build` would run them. No container engine runs on these machines; this
// lets the image's exact start command run against the files the image would contain.
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, isAbsolute, join, posix, relative } from "node:path";
import { type Copy, DockerfileParser, type Env, type From, type Instruction } from "dockerfile-ast";
import { REPO, readRepoFile } from "./manifests.ts";

export interface Stage {
  readonly from: From;
  readonly name: string | undefined;
  readonly instructions: readonly Instruction[];
}

export function readStages(text = readRepoFile("Dockerfile")): Stage[] {
  const dockerfile = DockerfileParser.parse(text);
  const stages: { from: From; name: string | undefined; instructions: Instruction[] }[] = [];
  for (const instruction of dockerfile.getInstructions()) {
    if (instruction.getKeyword() === "FROM") {
      const from = instruction as From;
      stages.push({ from, name: from.getBuildStage() ?? undefined, instructions: [] });
    } else stages.at(-1)?.instructions.push(instruction);
  }
  return stages;
}

export const keyword = (stage: Stage, name: string) => stage.instructions.filter((i) => i.getKeyword() === name);
export const args = (instruction: Instruction) => instruction.getArguments().map((a) => a.getValue());

/** The last WORKDIR of a stage (the image default is /). */
export function workdir(stage: Stage): string {
  const last = keyword(stage, "WORKDIR").at(-1);
  return last === undefined ? "/" : (args(last)[0] ?? "/");
}

export function entrypoint(stage: Stage): string[] {
  const instruction = keyword(stage, "ENTRYPOINT").at(-1);
  if (instruction === undefined) throw new Error("final stage has no ENTRYPOINT");
  const parsed: unknown = JSON.parse(instruction.getArgumentsContent() ?? "");
  if (!Array.isArray(parsed)) throw new Error("ENTRYPOINT is not in exec (JSON array) form");
  return parsed as string[];
}

export function envOf(stage: Stage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const env of keyword(stage, "ENV") as Env[]) for (const p of env.getProperties()) out[p.getName()] = p.getValue() ?? "";
  return out;
}

export interface CopySource {
  readonly copy: Copy;
  readonly fromStage: string | undefined;
  readonly sources: string[];
  readonly destination: string;
}

export function copyOf(copy: Copy): CopySource {
  const values = args(copy);
  return { copy, fromStage: copy.getFromFlag()?.getValue() ?? undefined, sources: values.slice(0, -1), destination: values.at(-1) ?? "" };
}

export function copies(stage: Stage): CopySource[] {
  return (keyword(stage, "COPY") as Copy[]).map(copyOf);
}

/**
 * `npm ci` without a registry: links this repository's installed packages. With
 * --omit=dev only the top-level packages package-lock.json does not mark `dev`
 * (exactly what `npm ci --omit=dev` installs), so a runtime import of a development
 * dependency fails here as it would in the image.
 */
function installModules(target: string, omitDev: boolean): void {
  const source = join(REPO, "node_modules");
  if (!omitDev) {
    symlinkSync(source, target, "dir");
    return;
  }
  const lock = JSON.parse(readFileSync(join(REPO, "package-lock.json"), "utf8")) as { packages: Record<string, { dev?: boolean }> };
  for (const [path, entry] of Object.entries(lock.packages)) {
    const name = path.startsWith("node_modules/") ? path.slice("node_modules/".length) : undefined;
    if (name === undefined || name.includes("node_modules/") || entry.dev === true) continue;
    mkdirSync(dirname(join(target, name)), { recursive: true });
    symlinkSync(join(source, name), join(target, name), "dir");
  }
}

function runInStage(command: string, cwd: string): void {
  try {
    execFileSync("sh", ["-c", command], { cwd, stdio: "pipe", timeout: 300_000 });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: Buffer; stderr?: Buffer };
    const output = `${stdout?.toString() ?? ""}${stderr?.toString() ?? ""}`.slice(-3000);
    throw new Error(`RUN ${command} failed in ${cwd}:\n${output}`);
  }
}

/**
 * Runs the stages of the Dockerfile on disk, the way `docker build` would, within
 * what this machine can do: each stage gets its own directory (its WORKDIR), COPY
 * from the context copies from this repository, COPY --from copies from an earlier
 * stage's directory, `npm ci` links this repository's installed packages (no
 * registry here; with --omit=dev only the production ones), and any other RUN runs
 * with sh in the stage's directory.
 * The repository's own dist/ and catalog/ are never touched.
 */
export function buildStages(stages: readonly Stage[]): { root: string; dirs: Map<Stage, string> } {
  const root = mkdtempSync(join(tmpdir(), "image-build-"));
  const dirs = new Map<Stage, string>();
  stages.forEach((stage, index) => {
    const dir = join(root, `stage-${index}`, workdir(stage));
    mkdirSync(dir, { recursive: true });
    dirs.set(stage, dir);
    for (const instruction of stage.instructions) {
      const kw = instruction.getKeyword();
      if (kw === "COPY") {
        const copy = copyOf(instruction as Copy);
        const from = copy.fromStage === undefined ? undefined : stages.find((s) => s.name === copy.fromStage);
        if (copy.fromStage !== undefined && from === undefined) throw new Error(`COPY --from=${copy.fromStage}: no such stage`);
        for (const source of copy.sources) {
          const base = from === undefined ? REPO : (dirs.get(from) as string);
          const inStage = from === undefined ? source : relative(workdir(from), posix.normalize(source));
          if (inStage.startsWith("..") || isAbsolute(inStage)) throw new Error(`COPY ${source} is outside the stage's WORKDIR`);
          const target = copy.destination.endsWith("/") ? join(dir, copy.destination, basename(inStage)) : join(dir, copy.destination);
          cpSync(join(base, inStage), target, { recursive: true });
        }
      } else if (kw === "RUN") {
        const command = instruction.getArgumentsContent() ?? "";
        if (/^npm ci\b/.test(command)) installModules(join(dir, "node_modules"), /--omit=dev\b/.test(command));
        else runInStage(command, dir);
      }
    }
  });
  return { root, dirs };
}
