// What a result was measured on: a figure without its machine and commit is
// not comparable with anything.
import { execFileSync } from "node:child_process";
import { cpus, loadavg, totalmem } from "node:os";

export interface MachineInfo {
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryGb: number;
  readonly node: string;
  readonly platform: string;
  readonly commit: string;
  /** True when the working tree had uncommitted changes to tracked files. */
  readonly dirty: boolean;
  /** 1-minute load average when the run started: the machine is shared. */
  readonly loadAverage: number;
}

function git(args: string[], cwd: string): string {
  try {
    return execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return "";
  }
}

export function machineInfo(repoRoot: string): MachineInfo {
  const list = cpus();
  return {
    cpuModel: list[0]?.model.trim() ?? "unknown",
    cores: list.length,
    memoryGb: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    commit: git(["rev-parse", "--short=12", "HEAD"], repoRoot) || "unknown",
    dirty: git(["status", "--porcelain", "--untracked-files=no"], repoRoot) !== "",
    loadAverage: Math.round((loadavg()[0] ?? 0) * 100) / 100,
  };
}
