import fs from "node:fs/promises";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, startServer, type RunningServer } from "./harness.ts";

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  server = await startServer({ AGENT_API_KEY: "e2e-agent-key-0123456789" });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  const code = await server?.stop("SIGTERM");
  expect(code).toBe(0);
  expect(server.output()).not.toMatch(/error during shutdown/);
  await fs.rm(server.dataDir, { recursive: true, force: true });
});

describe("first run in a real browser", () => {
  it("fresh install → setup → login → empty Agents page → logout", async () => {
    const page = await browser.newPage();
    const consoleErrors: string[] = [];
    page.on("console", (m) => m.type() === "error" && consoleErrors.push(m.text()));

    await page.goto(`${server.url}/login`);
    await page.waitForURL(/\/setup$/);
    await expect(page.getByRole("heading", { name: "Set up Switchyard" }).isVisible()).resolves.toBe(true);

    // bad input: form errors, nothing stored
    await page.getByLabel("Username").fill("ad");
    await page.getByLabel("Password").fill("short");
    await page.getByRole("button", { name: "Create administrator" }).click();
    await page.getByText("Please correct the highlighted fields.").waitFor();
    expect(await page.locator(".field-error").allTextContents()).toEqual(["at least 3 characters", "at least 10 characters"]);
    expect(await page.getByLabel("Username").getAttribute("aria-invalid")).toBe("true");

    await page.getByLabel("Username").fill("admin");
    await page.getByLabel("Password").fill("operator-password-1");
    await page.getByRole("button", { name: "Create administrator" }).click();
    await page.waitForURL(/\/agents$/);
    await page.getByTestId("agents-empty").waitFor();
    expect(await page.getByText("No agent has connected yet").isVisible()).toBe(true);

    // setup works once only (a signed-in operator lands on the dashboard)
    await page.goto(`${server.url}/setup`);
    await page.waitForURL(/\/dashboard$/);

    // the register dialog shows commands, never the token
    await page.goto(`${server.url}/agents`);
    await page.getByTestId("agents-empty").getByRole("button", { name: "Register agent" }).click();
    const dialog = page.getByRole("dialog", { name: "Register agent" });
    const http = await dialog.getByTestId("cmd-http").textContent();
    expect(http).toContain(`--manager-url ${server.url} --report-mode http`);
    expect(await dialog.getByTestId("cmd-grpc").textContent()).toMatch(/--manager-url http:\/\/127\.0\.0\.1:\d+ --report-mode grpc/);
    expect(await page.content()).not.toContain("e2e-agent-key-0123456789");
    await dialog.getByRole("button", { name: "Close" }).click();
    expect(await dialog.isVisible()).toBe(false);

    // logout, then protected pages redirect to login
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(/\/login$/);
    await page.goto(`${server.url}/agents`);
    await page.waitForURL(/\/login\?next=%2Fagents$/);

    // wrong password: message on the page
    await page.getByLabel("Username").fill("admin");
    await page.getByLabel("Password").fill("not-the-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByText("Wrong username or password.").waitFor();

    // right password returns to where the operator wanted to go
    await page.getByLabel("Password").fill("operator-password-1");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(/\/agents$/);
    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name === "sy_session");
    expect(session?.httpOnly).toBe(true);
    expect(session?.sameSite).toBe("Lax");
    expect(consoleErrors).toEqual([]);
  });
});
