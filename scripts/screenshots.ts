// Starts Switchyard with a fresh database, seeds it through the real contracts
// (emulated agents on both transports, tasks dispatched through tRPC), and
// saves a screenshot of each main screen under docs/screenshots/.
//   npm run screenshots [-- --dark] [-- --zh]
// Chinese glyphs need a CJK font in the browser's system (Debian:
// `apt-get install fonts-wqy-zenhei`); without one the language button shows boxes.
import fs from "node:fs/promises";
import path from "node:path";
import type { Page } from "playwright-core";
import { launchBrowser, ROOT, startServer } from "../e2e/harness.ts";
import { startEmulatedAgent, type EmulatedAgentServer } from "../test/helpers/emulated-agent.ts";

const TOKEN = "screenshots-agent-key-0123456789";
const OUT = path.join(ROOT, "docs", "screenshots");
const dark = process.argv.includes("--dark");
const zh = process.argv.includes("--zh");

const server = await startServer({ AGENT_API_KEY: TOKEN });
const browser = await launchBrowser();
const agents: EmulatedAgentServer[] = [];
try {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1, colorScheme: dark ? "dark" : "light", locale: zh ? "zh-CN" : "en-US" });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  await page.goto(`${server.url}/setup`);
  await page.locator("#username").fill("admin");
  await page.locator("#password").fill("operator-password-1");
  await page.locator("button[type=submit]").click();
  await page.waitForURL(/\/agents$/);

  const call = async <T>(kind: "query" | "mutation", proc: string, input: unknown): Promise<T> => {
    const res =
      kind === "query"
        ? await page.request.get(`${server.url}/trpc/${proc}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`)
        : await page.request.post(`${server.url}/trpc/${proc}`, { data: { json: input } });
    const body = (await res.json()) as { result?: { data: { json: T } }; error?: unknown };
    if (!body.result) throw new Error(`${proc}: ${JSON.stringify(body.error)}`);
    return body.result.data.json;
  };
  const start = async (name: string, mode: "http" | "grpc", behaviour: Parameters<typeof startEmulatedAgent>[0]["behaviour"] = {}) => {
    const a = await startEmulatedAgent({ name, mode, token: TOKEN, managerHttpUrl: server.url, managerGrpcAddress: `127.0.0.1:${server.grpcPort}`, behaviour: { completeAfterMs: 300, ...behaviour } });
    agents.push(a);
    await a.register();
    return a;
  };

  const sh = await start("edge-sh-01", "http");
  const bj = await start("edge-bj-01", "grpc");
  const lab = await start("lab-01", "http", { outcome: "failed" });
  const slow = await start("edge-gz-01", "grpc", { completeAfterMs: null });
  await sh.reportDevices(Array.from({ length: 24 }, (_, i) => `sh-core-${String(i + 1).padStart(2, "0")}`));
  await bj.reportDevices(Array.from({ length: 12 }, (_, i) => `bj-dist-${String(i + 1).padStart(2, "0")}`), "huawei");
  await lab.reportDevices(["lab-r1", "lab-r2"]);
  await slow.reportDevices(["gz-edge-01"]);
  for (let i = 0; i < 3; i++) {
    await sh.reporter.updateDeviceStatus(Array.from({ length: 24 }, (_, j) => ({ name: `sh-core-${String(j + 1).padStart(2, "0")}`, host: `10.0.0.${j + 1}`, reachable: (i + j) % 5 !== 0 })));
    await bj.reporter.updateDeviceStatus(Array.from({ length: 12 }, (_, j) => ({ name: `bj-dist-${String(j + 1).padStart(2, "0")}`, host: `10.0.0.${j + 1}`, reachable: j !== 3 || i === 1 })));
  }
  const ids = Object.fromEntries((await call<{ items: Array<{ id: string; name: string }> }>("query", "agents.list", {})).items.map((a) => [a.name, a.id]));
  await call("mutation", "agents.setLabels", { id: ids["edge-sh-01"], labels: ["zone=sh", "core"] });
  await sh.reporter.heartbeat();
  await bj.reporter.heartbeat();

  const tasks: string[] = [];
  const create = async (input: Record<string, unknown>) => tasks.push((await call<{ id: string }>("mutation", "tasks.create", input)).id);
  await create({ name: "show version (sh core)", type: "exec", targets: ["sh-core-01", "sh-core-02", "sh-core-03"].map((c) => ({ agentId: ids["edge-sh-01"], connection: c })), payload: { command: "show version" } });
  await create({ name: "interface status (bj)", type: "exec", targets: [{ agentId: ids["edge-bj-01"], connection: "bj-dist-01" }], payload: { command: "display interface brief" } });
  await create({
    name: "VLAN 120 rollout",
    type: "tx_block",
    targets: [{ agentId: ids["edge-sh-01"], connection: "sh-core-04" }],
    payload: { tx_block: { name: "vlan-120", fail_fast: true, rollback_policy: "per_step", steps: [{ run: { kind: "command", mode: "Config", command: "vlan 120" }, rollback: { kind: "command", mode: "Config", command: "no vlan 120" } }] } },
  });
  await create({ name: "lab config push", type: "exec", targets: [{ agentId: ids["lab-01"], connection: "lab-r1" }], payload: { command: "copy run start" } });
  await create({ name: "long ping", type: "exec", targets: [{ agentId: ids["edge-gz-01"], connection: "gz-edge-01" }], payload: { command: "ping 10.0.0.1 repeat 100000" } });
  await new Promise((r) => setTimeout(r, 3000));
  await call("mutation", "templates.save", { kind: "command", name: "show-interface", description: "Interface detail", content: "show interface {{ iface }}\nshow run interface {{ iface }}" });
  await call("mutation", "templates.save", { kind: "tx_block", name: "vlan-add", description: "Add a VLAN with rollback", content: JSON.stringify({ name: "vlan-add", fail_fast: true, rollback_policy: "per_step", steps: [{ run: { kind: "command", mode: "Config", command: "vlan {{ id }}" }, rollback: { kind: "command", mode: "Config", command: "no vlan {{ id }}" } }] }, null, 2) });
  await lab.reporter.offline();

  const devices = await call<{ items: Array<{ id: string }> }>("query", "devices.list", { search: "sh-core-01" });
  const tpl = await call<{ items: Array<{ id: string }> }>("query", "templates.list", { search: "show-interface" });
  await fs.mkdir(OUT, { recursive: true });
  const suffix = dark ? "-dark" : zh ? "-zh" : "";
  const shots: Array<[string, string, ((p: Page) => Promise<void>)?]> = [
    ["dashboard", "/dashboard"],
    ["agents", "/agents"],
    ["agent-detail", `/agents/${ids["edge-sh-01"]}`, async (p) => void (await p.locator("[data-testid=health] pre").first().waitFor({ timeout: 5000 }).catch(() => {}))],
    ["devices", "/devices"],
    ["device-detail", `/devices/${devices.items[0]!.id}`],
    ["tasks", "/tasks"],
    ["task-detail", `/tasks/${tasks[0]}`, async (p) => {
      // any language: the first collapsed result
      await p.locator("[data-testid=toggle-result][aria-expanded=false]").first().click();
      await p.locator("[data-testid=run-result]").waitFor();
    }],
    ["new-task", `/tasks/new?agent=${ids["edge-sh-01"]}`, async (p) => {
      await p.locator("#type").selectOption("tx_block");
      await p.locator("input[name=connection]").first().check();
    }],
    ["history", "/history"],
    ["templates", `/templates?id=${tpl.items[0]!.id}`],
    ["notifications", "/notifications"],
    ["settings", "/settings"],
  ];
  for (const [name, url, prepare] of shots) {
    await page.goto(`${server.url}${url}`);
    await page.waitForLoadState("networkidle").catch(() => {});
    await prepare?.(page);
    await page.waitForTimeout(400);
    const file = path.join(OUT, `${name}${suffix}.png`);
    await page.screenshot({ path: file, fullPage: true });
    console.log(`saved ${path.relative(ROOT, file)}`);
  }
  if (errors.length) console.warn(`browser errors:\n${errors.join("\n")}`);
} finally {
  for (const a of agents) await a.close();
  await browser.close();
  await server.stop("SIGTERM");
  await fs.rm(server.dataDir, { recursive: true, force: true });
}
