// `npm run bench [-- --quick]`: runs every benchmark in bench/ one after the
// other (each starts and stops its own server and database; run together they
// would skew each other). `--quick` goes to the benchmarks that have a quick
// mode; for any other option, run that benchmark directly (see its header).
//
// Each benchmark runs in its own process group, and whatever it leaves running
// in that group when it exits (a server it started, if it crashed) is stopped.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const dir = path.dirname(fileURLToPath(import.meta.url));
const quick = process.argv.includes("--quick");
const benches = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith(".ts") && f !== "run-all.ts")
  .sort();

const signalGroup = (pid: number | undefined, signal: NodeJS.Signals) => {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch {
    /* the group is already gone */
  }
};

let current: number | undefined;
process.on("SIGINT", () => {
  signalGroup(current, "SIGINT");
  process.exit(130);
});

let failed = 0;
for (const file of benches) {
  const source = fs.readFileSync(path.join(dir, file), "utf8");
  const args = quick && /\bquick: \{/.test(source) ? ["--quick"] : [];
  console.log(`\n=== bench/${file} ${args.join(" ")}`.trimEnd());
  const child = spawn(process.execPath, ["--import", "tsx", path.join(dir, file), ...args], { stdio: "inherit", detached: true });
  current = child.pid;
  const code = await new Promise<number | string>((resolve) => child.once("exit", (c, s) => resolve(c ?? s ?? "?")));
  signalGroup(child.pid, "SIGTERM");
  current = undefined;
  if (code !== 0) {
    failed++;
    console.log(`bench/${file} failed (exit ${code})`);
  }
}
process.exit(failed ? 1 : 0);
