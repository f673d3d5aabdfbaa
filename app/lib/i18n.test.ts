import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { en, zh } from "./i18n";

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
// the same in both languages on purpose: names, symbols, technical words
const SAME_ON_PURPOSE = new Set(["app.name"]);

describe("translations", () => {
  it("has every key in both tables, none empty", () => {
    expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort());
    for (const [k, v] of Object.entries({ ...en })) expect(v.trim(), `en ${k}`).not.toBe("");
    for (const [k, v] of Object.entries(zh)) expect(v.trim(), `zh ${k}`).not.toBe("");
  });

  it("translates every string (Chinese differs from English) with the same placeholders", () => {
    for (const k of Object.keys(en) as Array<keyof typeof en>) {
      expect(placeholders(zh[k]), `placeholders of ${k}`).toEqual(placeholders(en[k]));
      if (!SAME_ON_PURPOSE.has(k) && /[a-z]{3}/i.test(en[k])) expect(zh[k], `zh ${k} looks untranslated`).not.toBe(en[k]);
    }
  });

  it("every t() key used by the console exists", () => {
    const used = new Set<string>();
    for (const file of sourceFiles()) {
      for (const m of fs.readFileSync(file, "utf8").matchAll(/\bt\("([\w.]+)"\)/g)) used.add(m[1]!);
    }
    expect([...used].filter((k) => !(k in en))).toEqual([]);
  });

  it("no hard-coded English sentences in JSX text of the console screens", () => {
    const offenders: string[] = [];
    for (const file of sourceFiles()) {
      const src = fs.readFileSync(file, "utf8");
      // text between tags that reads like words ("Load more", "No devices yet.")
      for (const m of src.matchAll(/>\s*([A-Z][a-z]+(?:[ ,][a-z]+)+[.!?]?)\s*</g)) offenders.push(`${path.relative(process.cwd(), file)}: ${m[1]}`);
      // labelled attributes written in English
      for (const m of src.matchAll(/\b(?:aria-label|placeholder|title)="([A-Z][a-z]+ [a-z][^"]*)"/g)) offenders.push(`${path.relative(process.cwd(), file)}: ${m[1]}`);
    }
    expect(offenders).toEqual([]);
  });
});

function sourceFiles(): string[] {
  const root = path.resolve(__dirname, "..");
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      // the designer keeps its own table (app/designer/i18n.ts)
      if (e.isDirectory()) {
        if (e.name !== "designer") walk(p);
      } else if (/\.tsx?$/.test(e.name) && !e.name.endsWith(".test.ts") && !e.name.startsWith("_app.designer")) out.push(p);
    }
  };
  walk(root);
  return out;
}
