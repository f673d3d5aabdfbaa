-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "UserRole" AS ENUM ('admin', 'operator', 'viewer');

-- CreateEnum
CREATE TYPE "ReportMode" AS ENUM ('http', 'grpc');

-- CreateEnum
CREATE TYPE "AgentStatus" AS ENUM ('online', 'offline', 'error');

-- CreateEnum
CREATE TYPE "DeviceStatus" AS ENUM ('unknown', 'reachable', 'unreachable');

-- CreateEnum
CREATE TYPE "TaskType" AS ENUM ('exec', 'template', 'tx_block', 'tx_workflow', 'orchestrate');

-- CreateEnum
CREATE TYPE "TaskStatus" AS ENUM ('pending', 'running', 'success', 'partial', 'failed', 'cancelled', 'timed_out');

-- CreateEnum
CREATE TYPE "RunStatus" AS ENUM ('pending', 'waiting_lock', 'delivering', 'accepted', 'running', 'success', 'failed', 'cancelled', 'timed_out');

-- CreateEnum
CREATE TYPE "NotificationLevel" AS ENUM ('info', 'success', 'warning', 'error');

-- CreateEnum
CREATE TYPE "TemplateKind" AS ENUM ('command', 'tx_block', 'tx_workflow', 'orchestration');

-- CreateTable
CREATE TABLE "users" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "username" TEXT NOT NULL,
    "password_hash" TEXT NOT NULL,
    "role" "UserRole" NOT NULL DEFAULT 'admin',
    "display_name" TEXT,
    "locale" TEXT NOT NULL DEFAULT 'en',
    "theme" TEXT NOT NULL DEFAULT 'system',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "last_login_at" TIMESTAMPTZ(3),

    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sessions" (
    "id" TEXT NOT NULL,
    "user_id" UUID NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "ip" TEXT,
    "user_agent" TEXT,

    CONSTRAINT "sessions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "login_throttles" (
    "key" TEXT NOT NULL,
    "failures" INTEGER NOT NULL DEFAULT 0,
    "window_start" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "locked_until" TIMESTAMPTZ(3),

    CONSTRAINT "login_throttles_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "agents" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "host" TEXT NOT NULL,
    "port" INTEGER NOT NULL,
    "report_mode" "ReportMode" NOT NULL DEFAULT 'http',
    "status" "AgentStatus" NOT NULL DEFAULT 'online',
    "status_reason" TEXT,
    "status_changed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_heartbeat_at" TIMESTAMPTZ(3),
    "registered_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "version" TEXT NOT NULL DEFAULT '',
    "capabilities" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "labels" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "running_tasks" INTEGER NOT NULL DEFAULT 0,
    "connections_count" INTEGER NOT NULL DEFAULT 0,
    "templates_count" INTEGER NOT NULL DEFAULT 0,
    "uptime_seconds" BIGINT NOT NULL DEFAULT 0,
    "inventory_synced_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "agents_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "devices" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "agent_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "host" TEXT NOT NULL,
    "port" INTEGER NOT NULL,
    "device_profile" TEXT NOT NULL DEFAULT '',
    "status" "DeviceStatus" NOT NULL DEFAULT 'unknown',
    "last_checked_at" TIMESTAMPTZ(3),
    "latency_ms" INTEGER,
    "last_error" TEXT,
    "labels" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "groups" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "metadata" JSONB NOT NULL DEFAULT '{}',
    "removed_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "devices_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "device_status_events" (
    "id" BIGSERIAL NOT NULL,
    "device_id" UUID NOT NULL,
    "status" "DeviceStatus" NOT NULL,
    "latency_ms" INTEGER,
    "error" TEXT,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "device_status_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "tasks" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT,
    "type" "TaskType" NOT NULL,
    "status" "TaskStatus" NOT NULL DEFAULT 'pending',
    "payload" JSONB NOT NULL,
    "target_spec" JSONB NOT NULL,
    "dry_run" BOOLEAN NOT NULL DEFAULT false,
    "record_level" TEXT NOT NULL DEFAULT 'key-events-only',
    "deadline_seconds" INTEGER NOT NULL,
    "retries" INTEGER NOT NULL DEFAULT 0,
    "lock_policy" TEXT NOT NULL DEFAULT 'wait',
    "queue_if_offline" BOOLEAN NOT NULL DEFAULT false,
    "event_seq" INTEGER NOT NULL DEFAULT 0,
    "runs_total" INTEGER NOT NULL DEFAULT 0,
    "created_by_id" UUID,
    "rerun_of_id" UUID,
    "cancel_requested_at" TIMESTAMPTZ(3),
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "tasks_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "task_runs" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "task_id" UUID NOT NULL,
    "agent_id" UUID,
    "agent_name" TEXT NOT NULL,
    "connection" TEXT,
    "device_id" UUID,
    "operation" TEXT NOT NULL,
    "status" "RunStatus" NOT NULL DEFAULT 'pending',
    "status_detail" TEXT,
    "delivery_attempts" INTEGER NOT NULL DEFAULT 0,
    "execution_attempts" INTEGER NOT NULL DEFAULT 0,
    "stage" TEXT,
    "progress" INTEGER,
    "deadline_at" TIMESTAMPTZ(3),
    "delivered_at" TIMESTAMPTZ(3),
    "started_at" TIMESTAMPTZ(3),
    "completed_at" TIMESTAMPTZ(3),
    "execution_time_ms" BIGINT,
    "result_summary" JSONB,
    "result" JSONB,
    "error" TEXT,
    "cancel_requested_at" TIMESTAMPTZ(3),
    "callback_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "task_runs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "task_events" (
    "id" BIGSERIAL NOT NULL,
    "task_id" UUID NOT NULL,
    "run_id" UUID,
    "seq" INTEGER NOT NULL,
    "source" TEXT NOT NULL DEFAULT 'agent',
    "event_type" TEXT NOT NULL,
    "level" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "stage" TEXT,
    "progress" INTEGER,
    "details" JSONB,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "task_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "execution_history" (
    "id" BIGSERIAL NOT NULL,
    "task_id" UUID,
    "run_id" UUID,
    "agent_id" UUID,
    "agent_name" TEXT NOT NULL,
    "device_id" UUID,
    "connection" TEXT,
    "operation" TEXT NOT NULL,
    "command" TEXT,
    "output" TEXT,
    "status" TEXT NOT NULL,
    "duration_ms" INTEGER,
    "details" JSONB,
    "executed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "execution_history_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "device_locks" (
    "agent_id" UUID NOT NULL,
    "connection" TEXT NOT NULL,
    "run_id" UUID NOT NULL,
    "acquired_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "device_locks_pkey" PRIMARY KEY ("agent_id","connection")
);

-- CreateTable
CREATE TABLE "agent_error_reports" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "agent_id" UUID,
    "agent_name" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "severity" TEXT NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "retryable" BOOLEAN NOT NULL,
    "message" TEXT NOT NULL,
    "task_id" TEXT,
    "run_id" UUID,
    "operation" TEXT,
    "target_url" TEXT,
    "http_method" TEXT,
    "http_status" INTEGER,
    "details" JSONB,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "agent_error_reports_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "notifications" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "type" TEXT NOT NULL,
    "level" "NotificationLevel" NOT NULL DEFAULT 'info',
    "title" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "link" TEXT,
    "entity_type" TEXT,
    "entity_id" TEXT,
    "read_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "notifications_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "templates" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "kind" "TemplateKind" NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "content_type" TEXT NOT NULL DEFAULT 'text/plain',
    "content" TEXT NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "source_agent" TEXT,
    "created_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "templates_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "drafts" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "user_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "document" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "drafts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "settings" (
    "key" TEXT NOT NULL,
    "value" JSONB NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "settings_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "maintenance_locks" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "owner" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3),

    CONSTRAINT "maintenance_locks_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "users_username_key" ON "users"("username");

-- CreateIndex
CREATE INDEX "sessions_user_id_idx" ON "sessions"("user_id");

-- CreateIndex
CREATE INDEX "sessions_expires_at_idx" ON "sessions"("expires_at");

-- CreateIndex
CREATE UNIQUE INDEX "agents_name_key" ON "agents"("name");

-- CreateIndex
CREATE INDEX "agents_status_name_idx" ON "agents"("status", "name");

-- CreateIndex
CREATE INDEX "agents_last_heartbeat_at_idx" ON "agents"("last_heartbeat_at");

-- CreateIndex
CREATE INDEX "agents_created_at_id_idx" ON "agents"("created_at", "id");

-- CreateIndex
CREATE INDEX "agents_labels_idx" ON "agents" USING GIN ("labels");

-- CreateIndex
CREATE INDEX "agents_capabilities_idx" ON "agents" USING GIN ("capabilities");

-- CreateIndex
CREATE INDEX "devices_name_id_idx" ON "devices"("name", "id");

-- CreateIndex
CREATE INDEX "devices_status_name_id_idx" ON "devices"("status", "name", "id");

-- CreateIndex
CREATE INDEX "devices_removed_at_idx" ON "devices"("removed_at");

-- CreateIndex
CREATE INDEX "devices_labels_idx" ON "devices" USING GIN ("labels");

-- CreateIndex
CREATE UNIQUE INDEX "devices_agent_id_name_key" ON "devices"("agent_id", "name");

-- CreateIndex
CREATE INDEX "device_status_events_device_id_at_idx" ON "device_status_events"("device_id", "at");

-- CreateIndex
CREATE INDEX "tasks_created_at_id_idx" ON "tasks"("created_at" DESC, "id");

-- CreateIndex
CREATE INDEX "tasks_status_created_at_idx" ON "tasks"("status", "created_at" DESC);

-- CreateIndex
CREATE INDEX "tasks_type_created_at_idx" ON "tasks"("type", "created_at" DESC);

-- CreateIndex
CREATE INDEX "task_runs_task_id_idx" ON "task_runs"("task_id");

-- CreateIndex
CREATE INDEX "task_runs_agent_id_created_at_idx" ON "task_runs"("agent_id", "created_at" DESC);

-- CreateIndex
CREATE INDEX "task_runs_device_id_created_at_idx" ON "task_runs"("device_id", "created_at" DESC);

-- CreateIndex
CREATE INDEX "task_runs_status_deadline_at_idx" ON "task_runs"("status", "deadline_at");

-- CreateIndex
CREATE INDEX "task_events_run_id_idx" ON "task_events"("run_id");

-- CreateIndex
CREATE UNIQUE INDEX "task_events_task_id_seq_key" ON "task_events"("task_id", "seq");

-- CreateIndex
CREATE INDEX "execution_history_executed_at_id_idx" ON "execution_history"("executed_at" DESC, "id");

-- CreateIndex
CREATE INDEX "execution_history_agent_id_executed_at_idx" ON "execution_history"("agent_id", "executed_at" DESC);

-- CreateIndex
CREATE INDEX "execution_history_device_id_executed_at_idx" ON "execution_history"("device_id", "executed_at" DESC);

-- CreateIndex
CREATE INDEX "execution_history_status_executed_at_idx" ON "execution_history"("status", "executed_at" DESC);

-- CreateIndex
CREATE INDEX "execution_history_run_id_idx" ON "execution_history"("run_id");

-- CreateIndex
CREATE UNIQUE INDEX "device_locks_run_id_key" ON "device_locks"("run_id");

-- CreateIndex
CREATE INDEX "agent_error_reports_agent_name_received_at_idx" ON "agent_error_reports"("agent_name", "received_at" DESC);

-- CreateIndex
CREATE INDEX "agent_error_reports_received_at_id_idx" ON "agent_error_reports"("received_at" DESC, "id");

-- CreateIndex
CREATE INDEX "agent_error_reports_run_id_idx" ON "agent_error_reports"("run_id");

-- CreateIndex
CREATE INDEX "notifications_created_at_id_idx" ON "notifications"("created_at" DESC, "id");

-- CreateIndex
CREATE INDEX "notifications_read_at_created_at_idx" ON "notifications"("read_at", "created_at" DESC);

-- CreateIndex
CREATE INDEX "notifications_type_created_at_idx" ON "notifications"("type", "created_at" DESC);

-- CreateIndex
CREATE INDEX "templates_name_id_idx" ON "templates"("name", "id");

-- CreateIndex
CREATE UNIQUE INDEX "templates_kind_name_key" ON "templates"("kind", "name");

-- CreateIndex
CREATE INDEX "drafts_user_id_updated_at_idx" ON "drafts"("user_id", "updated_at" DESC);

-- AddForeignKey
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "devices" ADD CONSTRAINT "devices_agent_id_fkey" FOREIGN KEY ("agent_id") REFERENCES "agents"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "device_status_events" ADD CONSTRAINT "device_status_events_device_id_fkey" FOREIGN KEY ("device_id") REFERENCES "devices"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "task_runs" ADD CONSTRAINT "task_runs_task_id_fkey" FOREIGN KEY ("task_id") REFERENCES "tasks"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "task_runs" ADD CONSTRAINT "task_runs_agent_id_fkey" FOREIGN KEY ("agent_id") REFERENCES "agents"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "task_runs" ADD CONSTRAINT "task_runs_device_id_fkey" FOREIGN KEY ("device_id") REFERENCES "devices"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "task_events" ADD CONSTRAINT "task_events_task_id_fkey" FOREIGN KEY ("task_id") REFERENCES "tasks"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "task_events" ADD CONSTRAINT "task_events_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "task_runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "execution_history" ADD CONSTRAINT "execution_history_task_id_fkey" FOREIGN KEY ("task_id") REFERENCES "tasks"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "execution_history" ADD CONSTRAINT "execution_history_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "task_runs"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "device_locks" ADD CONSTRAINT "device_locks_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "task_runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "agent_error_reports" ADD CONSTRAINT "agent_error_reports_agent_id_fkey" FOREIGN KEY ("agent_id") REFERENCES "agents"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "agent_error_reports" ADD CONSTRAINT "agent_error_reports_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "task_runs"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "drafts" ADD CONSTRAINT "drafts_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

