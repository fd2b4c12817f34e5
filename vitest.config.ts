import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // One broker and one Azurite per run, shared by every file (see test/global-setup.ts).
    globalSetup: ["test/global-setup.ts", "test/log-audit-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores: real SDK clients, Azurite and the broker compete with test workers.
    maxWorkers: 2,
  },
});
