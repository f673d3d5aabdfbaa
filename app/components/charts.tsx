// Hand-written SVG charts: a stacked bar chart and a multi-line chart. No
// library; each draws in a fixed viewBox and scales with its container.
import type { ReactNode } from "react";

export interface Series {
  key: string;
  label: string;
  className: string;
}

export function StackedBars({ rows, series, label, height = 180 }: { rows: Array<{ x: string; values: Record<string, number> }>; series: Series[]; label: string; height?: number }) {
  const W = 480;
  const pad = { l: 32, r: 8, t: 8, b: 22 };
  const totals = rows.map((r) => series.reduce((s, k) => s + (r.values[k.key] ?? 0), 0));
  const max = Math.max(1, ...totals);
  const step = (W - pad.l - pad.r) / Math.max(rows.length, 1);
  const bw = Math.min(40, step * 0.6);
  const y = (v: number) => pad.t + (height - pad.t - pad.b) * (1 - v / max);
  return (
    <figure style={{ margin: 0 }}>
      <svg className="chart" viewBox={`0 0 ${W} ${height}`} role="img" aria-label={label}>
        <Grid max={max} y={y} x0={pad.l} x1={W - pad.r} />
        {rows.map((r, i) => {
          let acc = 0;
          const x = pad.l + i * step + (step - bw) / 2;
          return (
            <g key={r.x}>
              {series.map((s) => {
                const v = r.values[s.key] ?? 0;
                if (!v) return null;
                const top = y(acc + v);
                const h = y(acc) - top;
                acc += v;
                return (
                  <rect key={s.key} x={x} y={top} width={bw} height={Math.max(h, 1)} className={s.className}>
                    <title>{`${r.x} · ${s.label}: ${v}`}</title>
                  </rect>
                );
              })}
              <text x={x + bw / 2} y={height - 6} textAnchor="middle">
                {r.x}
              </text>
            </g>
          );
        })}
      </svg>
      <Legend series={series} />
    </figure>
  );
}

export function Lines({ points, series, label, xLabel, height = 180 }: { points: Array<{ x: number; values: Record<string, number> }>; series: Series[]; label: string; xLabel: (x: number) => string; height?: number }) {
  const W = 480;
  const pad = { l: 32, r: 8, t: 8, b: 22 };
  const max = Math.max(1, ...points.flatMap((p) => series.map((s) => p.values[s.key] ?? 0)));
  const n = Math.max(points.length - 1, 1);
  const x = (i: number) => pad.l + ((W - pad.l - pad.r) * i) / n;
  const y = (v: number) => pad.t + (height - pad.t - pad.b) * (1 - v / max);
  const ticks = points.length ? [0, Math.floor(points.length / 2), points.length - 1] : [];
  return (
    <figure style={{ margin: 0 }}>
      <svg className="chart" viewBox={`0 0 ${W} ${height}`} role="img" aria-label={label}>
        <Grid max={max} y={y} x0={pad.l} x1={W - pad.r} />
        {series.map((s) => (
          <polyline key={s.key} fill="none" strokeWidth={1.75} className={`line ${s.className}`} points={points.map((p, i) => `${x(i).toFixed(1)},${y(p.values[s.key] ?? 0).toFixed(1)}`).join(" ")} />
        ))}
        {ticks.map((i) => (
          <text key={i} x={x(i)} y={height - 6} textAnchor={i === 0 ? "start" : i === points.length - 1 ? "end" : "middle"}>
            {xLabel(points[i]!.x)}
          </text>
        ))}
      </svg>
      <Legend series={series} />
    </figure>
  );
}

function Grid({ max, y, x0, x1 }: { max: number; y: (v: number) => number; x0: number; x1: number }) {
  const marks = [0, Math.round(max / 2), max].filter((v, i, a) => a.indexOf(v) === i);
  return (
    <g>
      {marks.map((v) => (
        <g key={v}>
          <line className="grid" x1={x0} x2={x1} y1={y(v)} y2={y(v)} />
          <text x={x0 - 4} y={y(v) + 3} textAnchor="end">
            {v}
          </text>
        </g>
      ))}
    </g>
  );
}

function Legend({ series }: { series: Series[] }): ReactNode {
  return (
    <figcaption className="legend">
      {series.map((s) => (
        <span key={s.key}>
          <i className={s.className} />
          {s.label}
        </span>
      ))}
    </figcaption>
  );
}
