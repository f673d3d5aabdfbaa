import path from "node:path";
import { defineConfig } from "prisma/config";
import { PrismaPg } from "@prisma/adapter-pg";

// The JS engine with a driver adapter keeps every Prisma CLI command we use
// (generate, migrate diff) offline: no native engine download.
export default defineConfig({
  schema: path.join("prisma", "schema.prisma"),
  engine: "js",
  experimental: { adapter: true },
  async adapter() {
    return new PrismaPg({
      connectionString: process.env.DATABASE_URL ?? "postgresql://localhost:5432/switchyard",
      // let the CLI exit as soon as it is done instead of idling 10 s
      idleTimeoutMillis: 50,
    });
  },
});
