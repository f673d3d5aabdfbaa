import { defineConfig } from "vitest/config";

// Browser tests: a real Switchyard process (embedded PostgreSQL, migrations,
// all roles) driven by Debian's Chromium through playwright-core.
export default defineConfig({
  test: {
    include: ["e2e/**/*.e2e.ts"],
    pool: "forks",
    maxWorkers: 1,
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
    globals: true,
  },
});
