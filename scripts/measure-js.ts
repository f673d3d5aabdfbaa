// Sums the gzipped JavaScript a browser downloads to show the dashboard: the
// Remix manifest, the entry, and the root, layout and dashboard route modules
// with every chunk they import. Run after `npm run build`.
//   npx tsx scripts/measure-js.ts [route id ...]   (default routes/_app.dashboard)
import fs from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const BUILD = path.join(ROOT, "public", "build");
const BUDGET_KB = 250;

interface Manifest {
  entry: { module: string; imports?: string[] };
  routes: Record<string, { id: string; parentId?: string; module: string; imports?: string[] }>;
  url?: string;
}

function readManifest(): { manifest: Manifest; file: string } {
  const file = fs.readdirSync(BUILD).find((f) => /^manifest-[\w]+\.js$/.test(f));
  if (!file) throw new Error(`no manifest in ${BUILD}; run \`npm run build\` first`);
  const text = fs.readFileSync(path.join(BUILD, file), "utf8");
  const json = text.slice(text.indexOf("=") + 1).replace(/;\s*$/, "");
  return { manifest: JSON.parse(json) as Manifest, file: `/build/${file}` };
}

function chain(manifest: Manifest, id: string): string[] {
  const out: string[] = [];
  let r: Manifest["routes"][string] | undefined = manifest.routes[id];
  while (r) {
    out.unshift(r.id);
    r = r.parentId ? manifest.routes[r.parentId] : undefined;
  }
  return out;
}

const gz = (url: string) => {
  const buf = fs.readFileSync(path.join(ROOT, "public", url));
  return { raw: buf.length, gzip: gzipSync(buf, { level: 9 }).length };
};

const { manifest, file } = readManifest();
const targets = process.argv.slice(2).length ? process.argv.slice(2) : ["routes/_app.dashboard"];
for (const target of targets) {
  if (!manifest.routes[target]) throw new Error(`route ${target} is not in the manifest`);
  const urls = new Set<string>([file, manifest.entry.module, ...(manifest.entry.imports ?? [])]);
  for (const id of chain(manifest, target)) {
    const r = manifest.routes[id]!;
    urls.add(r.module);
    for (const i of r.imports ?? []) urls.add(i);
  }
  let raw = 0;
  let gzip = 0;
  const rows: string[] = [];
  for (const u of urls) {
    const s = gz(u);
    raw += s.raw;
    gzip += s.gzip;
    rows.push(`  ${(s.gzip / 1024).toFixed(1).padStart(7)} KB gz  ${(s.raw / 1024).toFixed(1).padStart(7)} KB  ${u}`);
  }
  console.log(`${target}: ${urls.size} files`);
  console.log(rows.join("\n"));
  const kb = gzip / 1024;
  console.log(`TOTAL ${kb.toFixed(1)} KB gzipped (${(raw / 1024).toFixed(1)} KB raw); budget ${BUDGET_KB} KB: ${kb <= BUDGET_KB ? "OK" : "OVER"}`);
  if (kb > BUDGET_KB) process.exitCode = 1;
}
