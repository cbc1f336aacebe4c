/**
 * The temperature chart (uPlot): each heater's actual (solid) and target (dashed) over time, with
 * axes and a legend. It is fed straight from the stream's signal, outside Preact's render, so a
 * `current` message redraws the canvas and nothing else.
 */
import { effect, type ReadonlySignal } from '@preact/signals';
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { TempPoint } from '../../api/types.js';
import { heaterOrder } from './heaters.js';

const COLORS = ['#d9480f', '#1c7ed6', '#2b8a3e', '#ae3ec9', '#e67700'];

function heatersIn(points: readonly TempPoint[]): string[] {
  const last = points[points.length - 1];
  return last ? Object.keys(last).filter((k) => k !== 'time').sort(heaterOrder) : [];
}

function columns(points: readonly TempPoint[], heaters: string[]): uPlot.AlignedData {
  const reading = (p: TempPoint, h: string) => p[h] as { actual: number; target: number | null } | undefined;
  return [
    points.map((p) => p.time),
    ...heaters.flatMap((h) => [points.map((p) => reading(p, h)?.actual ?? null), points.map((p) => reading(p, h)?.target ?? null)]),
  ];
}

/**
 * The samples' times, and at least the last minute. From the data itself: for one sample uPlot hands
 * the range a day's worth of its own (in seconds, read as ms: 1 000 days, an axis of 2027 2028 2029).
 */
function timeRange(u: uPlot): uPlot.Range.MinMax {
  const times = u.data[0];
  const first = times[0];
  const last = times[times.length - 1];
  if (first == null || last == null) return [null, null];
  return last - first < 60 ? [last - 60, last] : [first, last];
}

/** `shown` is told the seconds the time axis spans whenever it changes (the chart's `data-span`, for tests and tools). */
function options(heaters: string[], width: number, ink: string, grid: string, shown: (seconds: number) => void): uPlot.Options {
  const axis = { stroke: ink, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
  return {
    width,
    height: 220,
    scales: { x: { time: true, range: timeRange }, y: { range: (_u, _min, max) => [0, Math.max(50, Math.ceil((max + 10) / 50) * 50)] } },
    axes: [axis, { ...axis, label: '°C', values: (_u, ticks) => ticks.map((t) => `${t}`) }],
    series: [
      { label: 'time' },
      ...heaters.flatMap((h, i) => [
        { label: h, stroke: COLORS[i % COLORS.length], width: 2, points: { show: false }, value: (_u: uPlot, v: number | null) => (v == null ? '–' : `${v.toFixed(1)} °C`) },
        { label: `${h} target`, stroke: COLORS[i % COLORS.length], width: 1, dash: [6, 4], points: { show: false }, value: (_u: uPlot, v: number | null) => (v == null ? '–' : `${v} °C`) },
      ]),
    ],
    legend: { live: false },
    cursor: { drag: { x: false, y: false } },
    hooks: { setScale: [(u, key) => key === 'x' && shown((u.scales.x!.max ?? 0) - (u.scales.x!.min ?? 0))] },
  };
}

export function TemperatureChart({ temps }: { temps: ReadonlySignal<readonly TempPoint[]> }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current!;
    let plot: uPlot | undefined;
    let shown = '';
    const style = getComputedStyle(document.documentElement);
    const ink = style.getPropertyValue('--muted').trim() || '#666';
    const grid = style.getPropertyValue('--line').trim() || '#ddd';
    const stop = effect(() => {
      const points = temps.value;
      const heaters = heatersIn(points);
      el.dataset.points = String(points.length);
      if (heaters.join() !== shown) {
        // a heater appeared or went: a new chart with its series
        plot?.destroy();
        shown = heaters.join();
        plot = heaters.length ? new uPlot(options(heaters, el.clientWidth || 600, ink, grid, (seconds) => (el.dataset.span = String(Math.round(seconds)))), columns(points, heaters), el) : undefined;
      } else plot?.setData(columns(points, heaters));
    });
    const resize = new ResizeObserver(() => plot?.setSize({ width: el.clientWidth, height: 220 }));
    resize.observe(el);
    return () => {
      stop();
      resize.disconnect();
      plot?.destroy();
    };
  }, [temps]);
  return <div ref={box} id="chart" class="chart" role="img" aria-label="Temperatures over time: actual and target per heater" />;
}
