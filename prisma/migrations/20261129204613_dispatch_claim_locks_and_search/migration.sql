-- CreateExtension
CREATE EXTENSION IF NOT EXISTS "pg_trgm";

-- DropIndex
DROP INDEX "device_locks_run_id_key";

-- AlterTable
ALTER TABLE "task_runs" ADD COLUMN     "lock_keys" JSONB;

-- CreateTable
CREATE TABLE "heartbeat_minutes" (
    "minute" TIMESTAMPTZ(3) NOT NULL,
    "heartbeats" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "heartbeat_minutes_pkey" PRIMARY KEY ("minute")
);

-- CreateIndex
CREATE INDEX "devices_name_trgm_idx" ON "devices" USING GIN ("name" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "devices_host_trgm_idx" ON "devices" USING GIN ("host" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "devices_device_profile_trgm_idx" ON "devices" USING GIN ("device_profile" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "device_locks_run_id_idx" ON "device_locks"("run_id");

