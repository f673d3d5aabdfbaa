// Helpers for operations tests: run a script or a Switchyard process as a
// child, exactly as an operator would (node --import tsx ...).
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { ROOT, startServer, type RunningServer } from "../../e2e/harness.ts";
import { TEST_AGENT_KEY } from "../helpers/app.ts";
import { waitFor } from "../helpers/fleet.ts";

const run = promisify(execFile);

/** Runs `scripts/<name>.ts` with DATABASE_URL; resolves with its output and exit code (never throws on exit code). */
export async function runScript(name: string, args: string[], databaseUrl: string) {
  try {
    const r = await run(process.execPath, ["--import", "tsx", `scripts/${name}.ts`, ...args], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: "silent" },
      timeout: 60_000,
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

/** `server/main.ts` on a given database, ports chosen by the OS. */
export function startSwitchyard(databaseUrl: string, env: Record<string, string> = {}): Promise<RunningServer> {
  return startServer({ DATABASE_URL: databaseUrl, AGENT_API_KEY: TEST_AGENT_KEY, ...env });
}

/** Signs in over HTTP and returns the session cookie. */
export async function signIn(url: string, username: string, password: string) {
  const res = await fetch(`${url}/trpc/auth.login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ json: { username, password } }) });
  if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
  const cookie = /sy_session=[^;]+/.exec(res.headers.getSetCookie().join("\n"))?.[0];
  if (!cookie) throw new Error("no session cookie");
  return cookie;
}

export async function trpcQuery<T>(url: string, proc: string, cookie: string, input?: unknown): Promise<T> {
  const q = input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;
  const res = await fetch(`${url}/trpc/${proc}${q}`, { headers: { cookie } });
  const body = (await res.json()) as { result?: { data: { json: T } }; error?: unknown };
  if (!body.result) throw new Error(`${proc} failed: ${res.status} ${JSON.stringify(body.error)}`);
  return body.result.data.json;
}

export async function trpcMutation(url: string, proc: string, cookie: string, input: unknown) {
  const res = await fetch(`${url}/trpc/${proc}`, { method: "POST", headers: { cookie, "content-type": "application/json" }, body: JSON.stringify({ json: input }) });
  return { status: res.status, body: (await res.json()) as unknown };
}

export const waitUntil = (ok: () => boolean | Promise<boolean>, ms = 15_000, what = "condition") => waitFor(async () => ok(), Boolean, ms, what);
