// The operator console in a real browser, against a real Switchyard process
// and emulated agents on both transports: an agent registers and goes online
// live, a device is added, the three dialog task types run to completion, a
// long run is cancelled, a notification arrives, language and theme switch,
// and the search box finds things.
import fs from "node:fs/promises";
import { createRequire } from "node:module";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulatedAgent, type EmulatedAgentServer } from "../test/helpers/emulated-agent.ts";
import { launchBrowser, startServer, type RunningServer, signedInPage } from "./harness.ts";

const TOKEN = "console-e2e-agent-key-0123456789";
const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

let server: RunningServer;
let browser: Browser;
let page: Page;
const agents: EmulatedAgentServer[] = [];
let consoleErrors: string[] = [];

async function trpcQuery<T>(path: string, input: unknown): Promise<T> {
  const res = await page.request.get(`${server.url}/trpc/${path}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`);
  const body = (await res.json()) as { result?: { data: { json: T } }; error?: unknown };
  if (!body.result) throw new Error(`${path} failed: ${JSON.stringify(body.error)}`);
  return body.result.data.json;
}
const agentId = async (name: string) => (await trpcQuery<{ items: Array<{ id: string; name: string }> }>("agents.list", { search: name })).items.find((a) => a.name === name)!.id;

async function startAgent(name: string, mode: "http" | "grpc", behaviour: Parameters<typeof startEmulatedAgent>[0]["behaviour"] = { completeAfterMs: 400 }) {
  const a = await startEmulatedAgent({ name, mode, token: TOKEN, managerHttpUrl: server.url, managerGrpcAddress: `127.0.0.1:${server.grpcPort}`, behaviour });
  agents.push(a);
  return a;
}

beforeAll(async () => {
  server = await startServer({ AGENT_API_KEY: TOKEN });
  browser = await launchBrowser();
  ({ page, consoleErrors } = await signedInPage(browser, server, { viewport: { width: 1400, height: 900 } }));
});

afterAll(async () => {
  await browser?.close();
  for (const a of agents) await Promise.race([a.close(), new Promise((r) => setTimeout(r, 5000))]);
  const code = await server?.stop("SIGTERM");
  expect(code).toBe(0);
  await fs.rm(server.dataDir, { recursive: true, force: true });
});

async function dispatchAndWait(expected: string) {
  await page.getByRole("button", { name: "Dispatch" }).click();
  await page.waitForURL(/\/tasks\/[0-9a-f-]{36}$/);
  await page.getByTestId("task-status").filter({ hasText: expected }).waitFor({ timeout: 30_000 });
}

describe("operator console", () => {
  it("shows agents registering on both transports go online without a reload", async () => {
    await page.goto(`${server.url}/agents`);
    await page.getByTestId("agents-empty").waitFor();
    await page.getByTestId("live-state").and(page.locator("[data-state=live]")).waitFor();
    const http = await startAgent("edge-http-1", "http");
    await http.register();
    await page.getByRole("row", { name: /edge-http-1/ }).getByText("online").waitFor();
    const grpc = await startAgent("edge-grpc-1", "grpc");
    await grpc.register();
    const row = page.getByRole("row", { name: /edge-grpc-1/ });
    await row.getByText("online").waitFor();
    expect(await row.getByRole("cell", { name: "GRPC", exact: true }).isVisible()).toBe(true);
    await http.reportDevices(["core-sw-1", "core-sw-2"]);
    await grpc.reportDevices(["dist-sw-1"]);
  });

  it("adds a device: pick agent, fill, test, save, probe; it appears with its reachability", async () => {
    await page.goto(`${server.url}/devices`);
    await page.getByRole("link", { name: "core-sw-1" }).waitFor();
    await page.getByRole("button", { name: "Add device" }).first().click();
    await page.getByLabel("Agent that reaches the device").selectOption({ label: "edge-http-1" });
    await page.getByLabel("Connection name").fill("lab-r1");
    await page.getByLabel("Host", { exact: true }).fill("10.9.0.1");
    await page.getByLabel("Profile", { exact: true }).selectOption("cisco_ios");
    await page.getByText("Modes of this profile: Login, Enable, Config").waitFor();
    await page.getByRole("button", { name: "Test connection" }).click();
    await page.getByText("The agent reached the device.").waitFor();
    await page.getByRole("button", { name: "Save and probe" }).click();
    await page.getByText(/Device lab-r1 saved and probed/).waitFor();
    const row = page.getByRole("row", { name: /lab-r1/ });
    await row.getByText("reachable").waitFor();
    await row.getByRole("link", { name: "lab-r1" }).click();
    await page.getByRole("heading", { name: /lab-r1/ }).waitFor();
    expect(await page.getByText("10.1.0.1:22").isVisible()).toBe(true);
  });

  it("dispatches exec on both transports, a template and a tx block, and watches each complete", async () => {
    const httpId = await agentId("edge-http-1");
    const grpcId = await agentId("edge-grpc-1");
    for (const [id, device] of [
      [httpId, "core-sw-1"],
      [grpcId, "dist-sw-1"],
    ] as const) {
      await page.goto(`${server.url}/tasks/new?agent=${id}`);
      await page.getByLabel(device).check();
      await page.getByLabel("Command", { exact: true }).fill("show version");
      await dispatchAndWait("success");
      await page.getByTestId("timeline").getByText("done").waitFor();
      // a single run's result is open from the start
      await page.getByTestId("run-result").getByText("output of show version", { exact: true }).waitFor();
    }

    // template: the picker lists the agent's templates and turns its variables into fields
    await page.request.post(`http://127.0.0.1:${agents[0]!.port}/api/templates`, { headers: { authorization: `Bearer ${TOKEN}` }, data: { name: "show-if", content: "show interface {{ iface }}" } });
    await page.goto(`${server.url}/tasks/new?agent=${httpId}&type=template`);
    await page.getByLabel("Type").selectOption("template");
    await page.getByLabel("core-sw-2").check();
    await page.getByLabel("Template", { exact: true }).selectOption("show-if");
    await page.getByLabel("iface").fill("Gi0/1");
    await dispatchAndWait("success");
    const sent = agents[0]!.dispatches().at(-1)!.body as { vars?: Record<string, string>; template?: string };
    expect(sent.template).toBe("show-if");
    expect(sent.vars).toEqual({ iface: "Gi0/1" });

    // tx block with two steps and per-step rollback
    await page.goto(`${server.url}/tasks/new?agent=${httpId}`);
    await page.getByLabel("Type").selectOption("tx_block");
    await page.getByLabel("core-sw-1").check();
    await page.getByLabel("Step 1 Command").fill("vlan 120");
    await page.getByLabel("Step 1 Rollback command").fill("no vlan 120");
    await page.getByRole("button", { name: "Add step" }).click();
    await page.getByLabel("Step 2 Command").fill("name users");
    await dispatchAndWait("success");
    const tx = agents[0]!.dispatches().at(-1)!.body as { tx_block?: { rollback_policy: string; steps: Array<{ run: { command: string }; rollback?: { command: string } }> } };
    expect(tx.tx_block?.rollback_policy).toBe("per_step");
    expect(tx.tx_block?.steps.map((s) => [s.run.command, s.rollback?.command])).toEqual([
      ["vlan 120", "no vlan 120"],
      ["name users", undefined],
    ]);
  });

  it("pulls an agent's template; a different stored copy is replaced only when the operator confirms the version shown", async () => {
    // the manager already stores a different "show-if" than edge-http-1 has
    const saved = await page.request.post(`${server.url}/trpc/templates.save`, { data: { json: { kind: "command", name: "show-if", content: "show interface {{ iface }} brief" } } });
    expect(saved.status()).toBe(200);
    await page.goto(`${server.url}/templates`);
    await page.getByRole("button", { name: "Pull from an agent" }).click();
    const dialog = page.getByRole("dialog", { name: "Pull from an agent" });
    await dialog.locator("#pull-agent").selectOption({ label: "edge-http-1" });
    await dialog.locator("#pull-kind").selectOption("command");
    await dialog.getByRole("button", { name: "show-if" }).click();
    const alert = page.getByRole("alert").filter({ hasText: 'The store already has a different command template "show-if" (version 1)' });
    await alert.waitFor();
    await alert.getByRole("button", { name: "Replace the stored copy (version 1) with the agent's" }).click();
    await page.getByText("Template pulled into the manager.").waitFor();
    const list = await trpcQuery<{ items: Array<{ name: string; id: string; version: number; sourceAgent: string | null }> }>("templates.list", { search: "show-if" });
    const stored = list.items.find((x) => x.name === "show-if")!;
    expect(stored).toMatchObject({ version: 2, sourceAgent: "edge-http-1" });
    const full = await trpcQuery<{ content: string }>("templates.get", { id: stored.id });
    expect(full.content).toBe("show interface {{ iface }}");
  });

  it("cancels a long run after confirming, and shows the cancel as requested", async () => {
    const slow = await startAgent("edge-slow-1", "grpc", { completeAfterMs: null });
    await slow.register();
    await slow.reportDevices(["slow-sw-1"]);
    await page.goto(`${server.url}/tasks/new?agent=${await agentId("edge-slow-1")}`);
    await page.getByLabel("slow-sw-1").check();
    await page.getByLabel("Command", { exact: true }).fill("ping 10.0.0.1 repeat 100000");
    await page.getByRole("button", { name: "Dispatch" }).click();
    await page.waitForURL(/\/tasks\/[0-9a-f-]{36}$/);
    await page.getByRole("button", { name: "Cancel task" }).click();
    const dialog = page.getByRole("dialog", { name: "Cancel this task?" });
    await dialog.getByText("Commands that already ran on a device are not undone.").waitFor();
    await dialog.getByRole("button", { name: "Cancel task" }).click();
    // rauto cannot stop a delivered run: the manager records the request and shows it
    await page.getByTestId("cancel-requested").waitFor();
    await page.getByTestId("timeline").getByText(/Cancel requested/).waitFor();
    expect(await page.getByRole("button", { name: "Cancel task" }).count()).toBe(0);
  });

  it("shows a notification arriving live in the bell", async () => {
    await page.goto(`${server.url}/dashboard`);
    await page.getByTestId("live-state").and(page.locator("[data-state=live]")).waitFor();
    const before = Number((await page.getByTestId("unread-count").textContent()) ?? 0);
    await agents[1]!.reporter.offline();
    await page.getByTestId("unread-count").filter({ hasText: String(before + 1) }).waitFor();
    await page.getByTestId("bell").click();
    await page.getByRole("region", { name: "Notifications" }).getByText(/edge-grpc-1/).first().waitFor();
    await page.getByRole("button", { name: "Mark all read" }).click();
    await page.getByTestId("unread-count").waitFor({ state: "detached" });
  });

  it("switches language and theme", async () => {
    await page.goto(`${server.url}/dashboard`);
    const theme = await page.locator("html").getAttribute("data-theme");
    await page.getByRole("button", { name: "Toggle light/dark theme" }).click();
    await page.waitForFunction((t) => document.documentElement.dataset.theme !== t, theme);
    await page.getByRole("button", { name: "中文" }).click();
    await page.getByRole("heading", { name: "仪表盘" }).waitFor();
    expect(await page.locator("html").getAttribute("lang")).toBe("zh-CN");
    await page.getByRole("button", { name: "English" }).click();
    await page.getByRole("heading", { name: "Dashboard" }).waitFor();
  });

  it("has no serious or critical accessibility violations on any main screen (axe-core), in light and dark", async () => {
    const httpId = await agentId("edge-http-1");
    const device = (await trpcQuery<{ items: Array<{ id: string }> }>("devices.list", { search: "core-sw-1" })).items[0]!.id;
    const task = (await trpcQuery<{ items: Array<{ id: string }> }>("tasks.list", {})).items[0]!.id;
    const screens = ["/dashboard", "/agents", `/agents/${httpId}`, "/devices", `/devices/${device}`, "/tasks", `/tasks/${task}`, `/tasks/new?agent=${httpId}`, "/history", "/templates", "/notifications", "/settings", "/designer"];
    const found: string[] = [];
    for (const scheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      for (const url of screens) {
        await page.goto(`${server.url}${url}`);
        await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
        // whatever the operator chose earlier, check this palette
        await page.evaluate((t) => (document.documentElement.dataset.theme = t), scheme);
        await page.addScriptTag({ path: AXE });
        const violations = await page.evaluate(async () => {
          const axe = (window as unknown as { axe: { run: (ctx: Document, o: unknown) => Promise<{ violations: Array<{ id: string; impact: string; help: string; nodes: Array<{ target: string[] }> }> }> } }).axe;
          const r = await axe.run(document, { resultTypes: ["violations"] });
          return r.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`);
        });
        for (const v of violations) found.push(`${scheme} ${url}: ${v}`);
      }
    }
    await page.emulateMedia({ colorScheme: null });
    expect(found).toEqual([]);
  });

  it("finds an agent with Ctrl-K and opens it with Enter", async () => {
    await page.goto(`${server.url}/tasks`);
    // the shortcut exists once React has hydrated the page
    await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
    await page.keyboard.press("Control+k");
    const box = page.getByRole("combobox", { name: "Search agents, devices, tasks and templates" });
    await box.waitFor();
    await box.fill("edge-http");
    await page.getByRole("listbox").getByRole("option", { name: /edge-http-1/ }).waitFor();
    await box.press("Enter");
    await page.waitForURL(/\/agents\/[0-9a-f-]{36}$/);
    await page.getByRole("heading", { name: /edge-http-1/ }).waitFor();
    expect(consoleErrors).toEqual([]);
  });
});
