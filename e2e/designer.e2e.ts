// The designer in a real browser: build a tx_workflow from an empty canvas,
// fix a validation error, undo/redo, auto-layout, export, import, dispatch to
// an emulated agent and watch it run; then open an orchestration example, edit
// a stage, save it as a template, and get it back from the draft after a reload.
import fs from "node:fs/promises";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generatePlan } from "../app/designer/generate.ts";
import { startEmulatedAgent, type EmulatedAgentServer } from "../test/helpers/emulated-agent.ts";
import { launchBrowser, ROOT, startServer, type RunningServer, signedInPage } from "./harness.ts";

const TOKEN = "designer-e2e-agent-key-0123456789";
const EXAMPLES = path.join(ROOT, "../shared/contract/examples");
const SHOTS = path.join(ROOT, "docs/screenshots");

let server: RunningServer;
let browser: Browser;
let page: Page;
let agent: EmulatedAgentServer;
let consoleErrors: string[] = [];

beforeAll(async () => {
  server = await startServer({ AGENT_API_KEY: TOKEN });
  browser = await launchBrowser();
  ({ page, consoleErrors } = await signedInPage(browser, server, { viewport: { width: 1500, height: 900 }, acceptDownloads: true }));
  agent = await startEmulatedAgent({ name: "edge-agent-1", mode: "http", token: TOKEN, managerHttpUrl: server.url, managerGrpcAddress: `127.0.0.1:${server.grpcPort}`, behaviour: { completeAfterMs: 300 } });
  await agent.register();
  await agent.reportDevices(["core-sw-1", "core-sw-2"]);
});

afterAll(async () => {
  await agent?.close();
  await browser?.close();
  const code = await server?.stop("SIGTERM");
  expect(code).toBe(0);
  await fs.rm(server.dataDir, { recursive: true, force: true });
});

const node = (text: string | RegExp) => page.locator(".react-flow__node", { hasText: text });
const dispatchButton = () => page.getByRole("button", { name: "Preview & dispatch…" });
const issues = () => page.getByRole("region", { name: "Problems" });
async function box(text: string | RegExp) {
  const b = await node(text).first().boundingBox();
  if (!b) throw new Error(`no node ${text}`);
  return b;
}
/** Moves keyboard focus off the form so shortcuts reach the canvas. */
async function focusCanvas() {
  await page.locator(".react-flow__pane").click({ position: { x: 10, y: 10 } });
}

describe("designer", () => {
  it("builds, validates, undoes, lays out, exports, imports and dispatches a tx_workflow", async () => {
    await page.goto(`${server.url}/designer`);
    await node("new-workflow").waitFor();
    expect(await node(/./).count()).toBe(1);

    // from the empty canvas by clicks: a block and a step
    await page.getByRole("button", { name: "+ Block", exact: true }).click();
    await page.getByRole("button", { name: "+ Step" }).click();
    expect(await node(/./).count()).toBe(3);

    // the new step has no command: shown on the node, in the list, and dispatch is disabled with the reason
    await issues().getByText("must not be empty").waitFor();
    expect(await page.locator(".dz-node.invalid").count()).toBe(1);
    expect(await dispatchButton().isDisabled()).toBe(true);
    expect(await page.locator("#dz-blocked").textContent()).toContain("Block 1 › Step 1: run.command must not be empty");

    // click the problem to jump to the step, fix it in the inspector
    await focusCanvas();
    await issues().getByRole("button", { name: "Block 1 › Step 1" }).click();
    const inspector = page.getByTestId("inspector");
    await inspector.getByLabel("Command").fill("vlan 120");
    await inspector.getByLabel("Timeout (seconds)").fill("10");
    await page.getByText("No problems: the agent will accept this plan").waitFor();
    expect(await dispatchButton().isEnabled()).toBe(true);

    // undo takes back the whole typed field (one step), redo brings it back
    await focusCanvas();
    await page.keyboard.press("Control+z"); // timeout
    await page.keyboard.press("Control+z"); // command
    await issues().getByText("must not be empty").waitFor();
    expect(await dispatchButton().isDisabled()).toBe(true);
    await page.keyboard.press("Control+Shift+z");
    await page.keyboard.press("Control+Shift+z");
    await page.getByText("No problems: the agent will accept this plan").waitFor();
    expect(await node("vlan 120").count()).toBe(1);

    // a second step after the first, with a rollback; a rollback policy in the block
    await node("vlan 120").click();
    await page.getByRole("button", { name: "+ Step" }).click();
    await inspector.getByLabel("Command").fill("name STAFF");
    await inspector.getByLabel("Rollback", { exact: true }).selectOption("op");
    await inspector.locator("fieldset", { hasText: "Rollback operation" }).getByLabel("Command").fill("no name STAFF");
    await node("block-").click();
    await inspector.getByLabel("Name").fill("create-vlan");
    await inspector.getByLabel("Rollback policy").selectOption("none");
    await page.getByText("No problems: the agent will accept this plan").waitFor();

    // copy/paste and multi-selection grouping, each undone in one step
    await node("vlan 120").click();
    await page.keyboard.press("Control+c");
    await page.keyboard.press("Control+v");
    await page.waitForFunction(() => [...document.querySelectorAll(".react-flow__node")].filter((n) => n.textContent?.includes("vlan 120")).length === 2);
    await page.keyboard.press("Control+z");
    await page.waitForFunction(() => [...document.querySelectorAll(".react-flow__node")].filter((n) => n.textContent?.includes("vlan 120")).length === 1);
    await node("vlan 120").click();
    await node("name STAFF").click({ modifiers: ["Control"] });
    await page.getByText("2 nodes selected").waitFor();
    await page.getByRole("button", { name: "Group steps into new block" }).click();
    // the steps moved to a new second block, so the first one is empty
    await issues().getByText("a block needs at least one step").waitFor();
    expect(await issues().getByRole("button").allTextContents()).toEqual(["Block 1"]);
    await page.getByRole("button", { name: "Export…" }).click();
    const grouped = JSON.parse((await page.getByTestId("export-json").textContent())!);
    expect(grouped.blocks.map((b: { steps: unknown[] }) => b.steps.length)).toEqual([0, 2]);
    await page.getByRole("button", { name: "Close" }).click();
    await focusCanvas();
    await page.keyboard.press("Control+z");
    await page.getByText("No problems: the agent will accept this plan").waitFor();

    // drag the second step to the top of the column: the order follows
    await focusCanvas();
    const s1 = await box("vlan 120");
    const s2 = await box("name STAFF");
    await page.mouse.move(s2.x + 60, s2.y + 10);
    await page.mouse.down();
    await page.mouse.move(s2.x + 60, s1.y - 30, { steps: 8 });
    await page.mouse.up();
    await page.waitForFunction(() => {
      const ys = [...document.querySelectorAll(".react-flow__node")].map((n) => ({ t: n.textContent ?? "", y: n.getBoundingClientRect().y }));
      const a = ys.find((n) => n.t.includes("name STAFF"));
      const b = ys.find((n) => n.t.includes("vlan 120"));
      // mid re-render a node may be missing for a frame: keep polling rather than throw
      return !!a && !!b && a.y < b.y;
    });
    await page.getByRole("button", { name: "Export…" }).click();
    let exported = JSON.parse((await page.getByTestId("export-json").textContent())!);
    expect(exported.blocks[0].steps.map((s: { run: { command: string } }) => s.run.command)).toEqual(["name STAFF", "vlan 120"]);
    await page.getByRole("button", { name: "Close" }).click();
    // one undo puts it back
    await focusCanvas();
    await page.keyboard.press("Control+z");

    // scatter a node, then auto-layout puts every step in its block's column
    const before = await box("vlan 120");
    await page.mouse.move(before.x + 60, before.y + 10);
    await page.mouse.down();
    await page.mouse.move(before.x + 500, before.y + 300, { steps: 6 });
    await page.mouse.up();
    await page.getByRole("button", { name: "Auto-layout" }).click();
    await page.waitForTimeout(400);
    const [blockBox, a, b] = [await box("create-vlan"), await box("vlan 120"), await box("name STAFF")];
    expect(Math.abs(a.x - blockBox.x)).toBeLessThan(2);
    expect(Math.abs(b.x - blockBox.x)).toBeLessThan(2);
    expect(a.y).toBeLessThan(b.y);

    // export: on screen, to the clipboard and as a file
    await page.getByRole("button", { name: "Export…" }).click();
    exported = JSON.parse((await page.getByTestId("export-json").textContent())!);
    const expected = {
      name: "new-workflow",
      fail_fast: true,
      blocks: [
        {
          name: "create-vlan",
          fail_fast: true,
          rollback_policy: "none",
          steps: [
            { run: { kind: "command", mode: "Config", command: "vlan 120", timeout: 10 }, rollback: null },
            { run: { kind: "command", mode: "Config", command: "name STAFF", timeout: 30 }, rollback: { kind: "command", mode: "Config", command: "no name STAFF", timeout: 30 } },
          ],
        },
      ],
    };
    expect(exported).toEqual(expected);
    await page.getByRole("button", { name: "Copy to clipboard" }).click();
    await page.getByText("Copied.").waitFor();
    expect(JSON.parse(await page.evaluate(() => navigator.clipboard.readText()))).toEqual(expected);
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download file" }).click()]);
    expect(download.suggestedFilename()).toBe("new-workflow.json");
    expect(JSON.parse(await fs.readFile((await download.path())!, "utf8"))).toEqual(expected);
    await page.getByRole("button", { name: "Close" }).click();

    // import: a broken example names the bad field; the fixed one loads
    const example = JSON.parse(await fs.readFile(path.join(EXAMPLES, "fabric-change-workflow.json"), "utf8"));
    const broken = structuredClone(example);
    broken.blocks[1].rollback_policy = "sometimes";
    broken.blocks[0].steps[2].run.timeout = -1;
    await page.getByRole("button", { name: "Import…" }).click();
    const importDialog = page.getByRole("dialog", { name: "Import JSON" });
    await importDialog.getByLabel("Or paste the JSON").fill("{ not json");
    await importDialog.getByText(/^Not valid JSON/).waitFor();
    await importDialog.getByLabel("Or paste the JSON").fill(JSON.stringify(broken));
    await importDialog.getByText("blocks.1.rollback_policy").waitFor();
    expect(await importDialog.getByRole("alert").textContent()).toContain("blocks.0.steps.2.run.timeout");
    await page.evaluate((text) => navigator.clipboard.writeText(text), JSON.stringify(example));
    await importDialog.getByRole("button", { name: "Paste from clipboard" }).click();
    await importDialog.getByText("A valid tx_workflow with 13 node(s).").waitFor();
    await importDialog.getByRole("button", { name: "Load", exact: true }).click();
    await node("trunk-allow-list").waitFor();
    await page.getByRole("button", { name: "Export…" }).click();
    expect(JSON.parse((await page.getByTestId("export-json").textContent())!)).toEqual(example);
    await page.getByRole("button", { name: "Close" }).click();
    await node("switchport trunk allowed vlan add 310").click();
    await page.getByRole("button", { name: "Fit view", exact: true }).click();
    await page.waitForTimeout(400);
    await page.screenshot({ path: path.join(SHOTS, "designer-workflow.png") });

    // back to what we built (undo the import), then dispatch to the emulated agent
    await focusCanvas();
    await page.keyboard.press("Control+z");
    await node("create-vlan").waitFor();
    await dispatchButton().click();
    const dialog = page.getByRole("dialog", { name: "Preview & dispatch" });
    await dialog.getByLabel(/edge-agent-1/).check();
    await dialog.getByLabel("core-sw-1").check();
    const preview = JSON.parse((await dialog.getByTestId("dispatch-preview").textContent())!);
    const agentId = preview.targets[0].agentId;
    expect(preview).toEqual({ name: "new-workflow", type: "tx_workflow", targets: [{ agentId, connection: "core-sw-1" }], payload: { workflow: expected }, dryRun: false });
    await dialog.getByRole("button", { name: "Dispatch to 1 target(s)" }).click();
    await page.waitForURL(/\/tasks\/[0-9a-f-]{36}$/);
    // the live view follows the run; it must end in success (reloads only as a fallback for a dropped stream)
    const status = page.getByTestId("task-status");
    for (let i = 0; i < 30 && !(await status.getAttribute("class"))?.includes("success"); i++) {
      await page.waitForTimeout(1000);
      if (i % 10 === 9) await page.reload();
    }
    expect(await status.getAttribute("class")).toContain("success");
    const sent = agent.dispatches().find((d) => d.call.includes("workflow"));
    expect(sent?.body.workflow).toEqual(expected);
    expect(sent?.body.connection).toEqual({ connection_name: "core-sw-1" });
  });

  it("opens an orchestration example, edits a stage, saves it as a template and keeps the draft", async () => {
    await page.goto(`${server.url}/designer?kind=orchestrate`);
    await node("new-plan").waitFor();
    await page.getByRole("button", { name: "Import…" }).click();
    const importDialog = page.getByRole("dialog", { name: "Import JSON" });
    await importDialog.getByLabel("From a file").setInputFiles(path.join(EXAMPLES, "fabric-advanced-orchestration.json"));
    await importDialog.getByText("A valid orchestrate with 9 node(s).").waitFor();
    await importDialog.getByRole("button", { name: "Load", exact: true }).click();
    await node("access-rollout-job").waitFor();

    // edit the stage: a parallel stage needs max_parallel ≥ 1
    await node(/^Stageaccess-rollout/).click();
    const inspector = page.getByTestId("inspector");
    await inspector.getByLabel("Name").fill("access-wave");
    await inspector.getByLabel("Strategy").selectOption("parallel");
    await inspector.getByLabel("max_parallel").fill("0");
    await issues().getByText('must be at least 1 when strategy is "parallel"').waitFor();
    expect(await dispatchButton().isDisabled()).toBe(true);
    await inspector.getByLabel("max_parallel").fill("2");
    await page.getByText("No problems: the agent will accept this plan").waitFor();

    // the job's targets come from the agent's connections
    await node("access-rollout-job").click();
    await inspector.getByLabel("Targets (saved connections)").fill("core-sw-2");
    await inspector.getByText("core-sw-2").waitFor();
    await page.getByRole("button", { name: "Fit view", exact: true }).click();
    await page.waitForTimeout(400);
    await page.screenshot({ path: path.join(SHOTS, "designer-orchestrate.png") });

    await page.getByRole("button", { name: "Save as template…" }).click();
    const save = page.getByRole("dialog", { name: "Save as template" });
    await save.getByRole("button", { name: "Save template" }).click();
    await save.getByText("Saved fabric-service-rollout-advanced (version 1).").waitFor();
    await save.getByRole("button", { name: "Close" }).click();

    // the draft was autosaved: a reload brings the edit back
    await page.waitForURL(/\?draft=/);
    await page.getByText(/^Draft saved/).waitFor();
    await page.reload();
    await node("access-wave").waitFor();
    await node("access-rollout-job").click();
    expect(await page.getByTestId("inspector").getByText("core-sw-2").count()).toBe(1);

    // and the template store has it: open it from there
    await page.getByRole("button", { name: "New / open…" }).click();
    await page.getByRole("dialog", { name: "New or open" }).getByRole("list", { name: "Templates in the store" }).getByRole("button", { name: "fabric-service-rollout-advanced" }).click();
    await page.waitForURL(/\?template=/);
    await node("access-wave").waitFor();
    await page.getByRole("button", { name: "Export…" }).click();
    const plan = JSON.parse((await page.getByTestId("export-json").textContent())!);
    expect(plan.stages[2]).toEqual({ name: "access-wave", strategy: "parallel", max_parallel: 2, jobs: [{ ...plan.stages[2].jobs[0], targets: ["qa-lab-sw", "core-sw-2"] }] });

    // 300 nodes: import, select and type without lag
    const big = JSON.stringify(generatePlan("tx_workflow", 300));
    await page.getByRole("button", { name: "Close" }).click();
    await page.getByRole("button", { name: "Import…" }).click();
    await page.getByRole("dialog", { name: "Import JSON" }).getByLabel("Or paste the JSON").fill(big);
    await page.getByText("A valid tx_workflow with 300 node(s).").waitFor();
    let t0 = Date.now();
    await page.getByRole("button", { name: "Load", exact: true }).click();
    await node("block-0").waitFor();
    const loadMs = Date.now() - t0;
    await node("vlan 3").first().click();
    t0 = Date.now();
    await page.getByTestId("inspector").getByRole("group", { name: "Run" }).getByLabel("Command").fill("vlan 3000");
    await node("vlan 3000").waitFor();
    const editMs = Date.now() - t0;
    t0 = Date.now();
    await page.getByRole("button", { name: "Auto-layout" }).click();
    await page.getByRole("button", { name: "Undo" }).waitFor();
    const layoutMs = Date.now() - t0;
    console.log(`300 nodes in the browser: load ${loadMs} ms, edit ${editMs} ms, auto-layout ${layoutMs} ms`);
    expect(loadMs).toBeLessThan(5000);
    expect(editMs).toBeLessThan(2000);
    expect(consoleErrors).toEqual([]);
  });
});
