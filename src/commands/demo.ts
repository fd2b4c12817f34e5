import type { Command } from "./command.ts";

export const demoCommand: Command = {
  summary: "run the main job on an embedded local default",
  async run(): Promise<number> {
    process.stdout.write("audit-enricher demo: the catalog and worker are being built; nothing to run yet.\n");
    return 0;
  },
};
