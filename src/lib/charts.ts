/**
 * Server-side SVG charts: readable without JavaScript, printable, and each with a data table
 * so screen readers and phones get the numbers. Pages build a ChartModel here and render it
 * with views/partials/chart.ejs; all text goes through EJS escaping there.
 */
export interface ChartSeries {
  label: string;
  values: readonly (number | null)[];
  /** Drawn dashed: a target or required path rather than an actual. */
  dashed?: boolean;
}

export interface ChartOptions {
  title: string;
  labels: readonly string[];
  series: readonly ChartSeries[];
  yLabel?: string;
  /** How values print on the axis and in the table (default: grouped integers/decimals). */
  format?: (value: number) => string;
}

export interface ChartModel {
  kind: 'line' | 'bar';
  id: string;
  title: string;
  yLabel: string;
  width: number;
  height: number;
  plot: { left: number; top: number; right: number; bottom: number };
  yTicks: { y: number; label: string }[];
  xLabels: { x: number; label: string }[];
  lines: {
    d: string;
    color: string;
    dashed: boolean;
    label: string;
    points: { x: number; y: number; title: string }[];
  }[];
  bars: { x: number; y: number; width: number; height: number; color: string; title: string }[];
  /** `x`: where the item's swatch starts (items are spaced by their label's width). */
  legend: { label: string; color: string; dashed: boolean; x: number }[];
  table: { head: string[]; rows: string[][] };
  empty: boolean;
}

// Colour-blind-safe palette (Okabe–Ito), dark enough on white for 3:1 graphics contrast.
const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#56B4E9', '#E69F00', '#000000'];
const WIDTH = 720;
const HEIGHT = 300;
// The top margin leaves room for the y-axis label above the highest tick.
const PLOT = { left: 64, top: 30, right: WIDTH - 16, bottom: HEIGHT - 56 };
/** Closest two x-axis labels may be (a "2027-12" label is about 50 px wide at 12 px). */
const X_LABEL_GAP = 56;

/** Rough width of a 12 px SVG label: CJK characters are about twice as wide as Latin ones. */
export function labelWidth(label: string): number {
  let w = 0;
  for (const ch of label) w += /[\u2e80-\u9fff\uff00-\uffef]/.test(ch) ? 12 : 7;
  return w;
}

const defaultFormat = (v: number): string =>
  Number.isInteger(v) ? v.toLocaleString('en-US') : v.toLocaleString('en-US', { maximumFractionDigits: 2 });

/** 0 to a round maximum with about five steps (1, 2, 2.5 or 5 × 10^n). */
export function niceScale(max: number, steps = 5): { max: number; step: number } {
  if (!(max > 0)) return { max: 1, step: 0.2 };
  const raw = max / steps;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw)!;
  return { max: Math.ceil(max / step - 1e-9) * step, step };
}

let chartSeq = 0;

function frame(kind: 'line' | 'bar', options: ChartOptions) {
  const format = options.format ?? defaultFormat;
  const values = options.series.flatMap((s) =>
    s.values.filter((v): v is number => v != null && Number.isFinite(v)),
  );
  const scale = niceScale(Math.max(0, ...values));
  const plotHeight = PLOT.bottom - PLOT.top;
  const yOf = (v: number) => PLOT.bottom - (Math.max(0, v) / scale.max) * plotHeight;
  const yTicks = [];
  for (let v = 0; v <= scale.max + 1e-9; v += scale.step) yTicks.push({ y: yOf(v), label: format(v) });
  const n = options.labels.length;
  const slot = (PLOT.right - PLOT.left) / Math.max(1, n);
  const xCenter = (i: number) => PLOT.left + slot * (i + 0.5);
  // At most ~12 axis labels; the table has every one.
  const every = Math.max(1, Math.ceil(n / 12));
  // The last label too, unless it would overlap the one before it (or run off the edge).
  const lastKept = Math.floor((n - 1) / every) * every;
  const showLast = n > 1 && (n - 1 - lastKept) * slot >= X_LABEL_GAP;
  const xLabels = options.labels
    .map((label, i) => ({ x: xCenter(i), label }))
    .filter((_, i) => i % every === 0 || (i === n - 1 && showLast));
  let legendX = PLOT.left;
  const legend = options.series.map((s, i) => {
    const x = legendX;
    legendX += 30 + labelWidth(s.label) + 24;
    return { label: s.label, color: PALETTE[i % PALETTE.length]!, dashed: Boolean(s.dashed), x };
  });
  const table = {
    head: ['', ...options.series.map((s) => s.label)],
    rows: options.labels.map((label, i) => [
      label,
      ...options.series.map((s) => {
        const v = s.values[i];
        return v == null ? '–' : format(v);
      }),
    ]),
  };
  chartSeq = (chartSeq + 1) % 1_000_000;
  const model: ChartModel = {
    kind,
    id: `chart-${chartSeq}`,
    title: options.title,
    yLabel: options.yLabel ?? '',
    width: WIDTH,
    height: HEIGHT,
    plot: PLOT,
    yTicks,
    xLabels,
    lines: [],
    bars: [],
    legend,
    table,
    empty: values.length === 0,
  };
  return { model, yOf, xCenter, slot, format };
}

export function lineChart(options: ChartOptions): ChartModel {
  const { model, yOf, xCenter, format } = frame('line', options);
  model.lines = options.series.map((s, si) => {
    let d = '';
    let penDown = false;
    const points: { x: number; y: number; title: string }[] = [];
    s.values.forEach((v, i) => {
      if (v == null || !Number.isFinite(v)) {
        penDown = false;
        return;
      }
      const x = Math.round(xCenter(i) * 10) / 10;
      const y = Math.round(yOf(v) * 10) / 10;
      d += `${penDown ? 'L' : 'M'}${x} ${y} `;
      penDown = true;
      points.push({ x, y, title: `${s.label}, ${options.labels[i] ?? ''}: ${format(v)}` });
    });
    return { d: d.trim(), color: model.legend[si]!.color, dashed: Boolean(s.dashed), label: s.label, points };
  });
  return model;
}

export function barChart(options: ChartOptions): ChartModel {
  const { model, yOf, xCenter, slot, format } = frame('bar', options);
  const groups = Math.max(1, options.series.length);
  const barWidth = Math.max(2, (slot * 0.8) / groups);
  options.series.forEach((s, si) => {
    s.values.forEach((v, i) => {
      if (v == null || !Number.isFinite(v)) return;
      const x = xCenter(i) - (barWidth * groups) / 2 + barWidth * si;
      const y = yOf(v);
      model.bars.push({
        x: Math.round(x * 10) / 10,
        y: Math.round(y * 10) / 10,
        width: Math.round(barWidth * 10) / 10,
        height: Math.round((PLOT.bottom - y) * 10) / 10,
        color: model.legend[si]!.color,
        title: `${s.label}, ${options.labels[i] ?? ''}: ${format(v)}`,
      });
    });
  });
  return model;
}
