// The Dockerfile read as stages (dockerfile-ast), and its runtime stage assembled on
// disk the way `docker build` would assemble it, from this repository's build output.
// No container engine runs on these machines; this lets the image's exact start
// command run against exactly the files the image would contain.
import { cpSync, mkdirSync, mkdtempSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { isAbsolute, join, posix, relative } from "node:path";
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

export function copies(stage: Stage): CopySource[] {
  return (keyword(stage, "COPY") as Copy[]).map((copy) => {
    const values = args(copy);
    return { copy, fromStage: copy.getFromFlag()?.getValue() ?? undefined, sources: values.slice(0, -1), destination: values.at(-1) ?? "" };
  });
}

/**
 * Lays out the final stage's WORKDIR in a temp directory by following its COPY lines:
 * a path under a stage's WORKDIR maps to the same path in this repository (the build
 * stage compiles this repository), except node_modules, which is linked (the repo's
 * has dev dependencies too; the test of the Dockerfile checks the image's does not).
 */
export function assembleRuntime(stages: readonly Stage[]): { root: string; appDir: string } {
  const final = stages.at(-1) as Stage;
  const root = mkdtempSync(join(tmpdir(), "image-root-"));
  const appDir = join(root, workdir(final));
  mkdirSync(appDir, { recursive: true });
  for (const { fromStage, sources, destination } of copies(final)) {
    const stage = stages.find((s) => s.name === fromStage);
    if (fromStage !== undefined && stage === undefined) throw new Error(`COPY --from=${fromStage}: no such stage`);
    for (const source of sources) {
      const inRepo = stage === undefined ? source : relative(workdir(stage), posix.normalize(source));
      if (inRepo.startsWith("..") || isAbsolute(inRepo)) throw new Error(`COPY ${source} is outside the stage's WORKDIR`);
      const target = join(appDir, destination);
      if (inRepo === "node_modules") symlinkSync(join(REPO, "node_modules"), target, "dir");
      else cpSync(join(REPO, inRepo), target, { recursive: true });
    }
  }
  return { root, appDir };
}
