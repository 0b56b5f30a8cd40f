/** A point's trend chart (uPlot): history from the readings endpoint, live values appended, limits as lines. */
import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import { useSession } from './context.js';
import { comparator, quantityName, unitText, valueText } from './format.js';
import { type Key, type Lang, t, tDynamic } from './i18n.js';
import { appendSeries, loadSince, loadTrend, RANGES, type Series, type TrendRange } from './trend-data.js';
import type { Limit, Point } from './types.js';

const LIVE_MS = 2000;
const WINDOWED_REFRESH_MS = 30_000;
const LEVEL_COLOURS: Record<string, string> = { blue: '#3b8bff', yellow: '#ffd400', orange: '#ff8c1a', red: '#ff3030' };

interface Props {
  site: string;
  point: Point;
  lang: Lang;
  onClose(): void;
}

export function Trend({ site, point, lang, onClose }: Props) {
  const { api, sites } = useSession();
  const [range, setRange] = useState<TrendRange>(RANGES[0] as TrendRange);
  const [status, setStatus] = useState<'loading' | 'ready' | 'empty' | string>('loading');
  const [count, setCount] = useState(0);
  const box = useRef<HTMLDivElement>(null);
  const plotRef = useRef<uPlot>();
  const timeZone = sites.find((s) => s.site_id === site)?.time_zone ?? 'Asia/Shanghai';

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    let series: Series = { xs: [], ys: [] };
    let alive = true;
    let timer: ReturnType<typeof setTimeout>;
    const plot = new uPlot(chartOptions(point, timeZone, el.clientWidth), [[], []], el);
    plotRef.current = plot;
    const show = (s: Series) => {
      series = s;
      plot.setData([s.xs, s.ys]);
      const n = s.ys.filter((v) => v !== null).length;
      setCount(n);
      setStatus(n > 0 ? 'ready' : 'empty');
    };
    const refresh = async (first: boolean) => {
      const now = Date.now();
      try {
        const last = series.xs.at(-1);
        if (first || range.every || last === undefined) show(await loadTrend(api, site, point, range, now));
        else show(appendSeries(series, await loadSince(api, site, point, last * 1000), (now - range.ms) / 1000));
      } catch (err) {
        if (alive) setStatus(t('error_loading', { msg: (err as Error).message }));
      }
      if (alive) timer = setTimeout(() => void refresh(false), range.every ? WINDOWED_REFRESH_MS : LIVE_MS);
    };
    setStatus('loading');
    void refresh(true);
    const resize = new ResizeObserver(() => plot.setSize({ width: el.clientWidth, height: plot.height }));
    resize.observe(el);
    return () => {
      alive = false;
      clearTimeout(timer);
      resize.disconnect();
      plot.destroy();
    };
  }, [api, site, point.point_id, range, timeZone]);
  // The limit labels are drawn on the canvas: redraw them in the new language.
  useEffect(() => plotRef.current?.redraw(), [lang]);

  return (
    <section class="trend" data-point-id={point.point_id} data-points={count} data-status={status === 'ready' || status === 'empty' || status === 'loading' ? status : 'error'}>
      <header>
        <h3>
          {t('trend')} · {point.point_id} {quantityName(point.quantity)} · {point.location}
        </h3>
        <div class="ranges">
          {RANGES.map((r) => (
            <button key={r.id} class={r.id === range.id ? 'current' : ''} onClick={() => setRange(r)}>
              {t(r.id as Key)}
            </button>
          ))}
        </div>
        <button class="close" onClick={onClose}>
          {t('close')}
        </button>
      </header>
      <div class="chart" ref={box} />
      {status !== 'ready' && <p class="chart-note">{status === 'loading' ? t('trend_loading') : status === 'empty' ? t('trend_empty') : status}</p>}
    </section>
  );
}

function chartOptions(point: Point, timeZone: string, width: number): uPlot.Options {
  const axis = { stroke: '#d8dee9', grid: { stroke: 'rgba(255,255,255,0.08)' }, ticks: { stroke: 'rgba(255,255,255,0.2)' }, font: '14px sans-serif' };
  return {
    width: Math.max(300, width),
    height: 280,
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), timeZone),
    legend: { show: false },
    scales: { x: { time: true }, y: { range: (_u, min, max) => yRange(min, max, point.limits) } },
    series: [{}, { label: point.point_id, stroke: '#4fe3c1', width: 2, spanGaps: false, points: { show: false } }],
    axes: [{ ...axis, values: (_u, splits, _i, space) => timeLabels(splits, space, timeZone) }, { ...axis, size: 70, label: unitText(point.unit), labelFont: '14px sans-serif' }],
    hooks: { draw: [(u) => drawLimits(u, point.limits)] },
  };
}

/** 24-hour labels in the site's time zone; with the date when the ticks are a day or more apart. */
function timeLabels(splits: number[], _space: number, timeZone: string): string[] {
  const span = (splits.at(-1) ?? 0) - (splits[0] ?? 0);
  const withDate = span >= 2 * 86_400;
  const fmt = new Intl.DateTimeFormat('zh-CN', { timeZone, hour12: false, hour: '2-digit', minute: '2-digit', ...(withDate ? { month: '2-digit', day: '2-digit' } : {}) });
  return splits.map((s) => fmt.format(new Date(s * 1000)));
}

/** The y range covers the data and every limit, so the limit lines are always on the chart. */
function yRange(min: number | null, max: number | null, limits: readonly Limit[]): [number, number] {
  const values = [min, max, ...limits.map((l) => l.set)].filter((v): v is number => v !== null && Number.isFinite(v));
  if (values.length === 0) return [0, 1];
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const pad = (hi - lo || Math.abs(hi) || 1) * 0.08;
  return [lo - pad, hi + pad];
}

function drawLimits(u: uPlot, limits: readonly Limit[]): void {
  const { ctx, bbox } = u;
  ctx.save();
  ctx.font = `${13 * devicePixelRatio}px sans-serif`;
  ctx.textAlign = 'left';
  ctx.textBaseline = 'bottom';
  for (const l of limits) {
    const y = Math.round(u.valToPos(l.set, 'y', true));
    if (y < bbox.top || y > bbox.top + bbox.height) continue;
    ctx.strokeStyle = ctx.fillStyle = LEVEL_COLOURS[l.level] ?? '#fff';
    ctx.lineWidth = 2 * devicePixelRatio;
    ctx.setLineDash([8 * devicePixelRatio, 6 * devicePixelRatio]);
    ctx.beginPath();
    ctx.moveTo(bbox.left, y);
    ctx.lineTo(bbox.left + bbox.width, y);
    ctx.stroke();
    const label = `${comparator(l)} ${valueText(l.set)} ${tDynamic(`level_${l.level}`)}${l.action === 'power_off' ? ` ${t('status_2')}` : ''}`;
    ctx.fillText(label, bbox.left + 6 * devicePixelRatio, y - 4 * devicePixelRatio);
  }
  ctx.restore();
}
