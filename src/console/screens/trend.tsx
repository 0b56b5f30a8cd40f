/**
 * A point's trend chart (uPlot): history from the readings endpoint, live values appended, limits
 * as dashed lines (with the 复电 restore value of a power-off limit), alarm raises as markers, and
 * a silence longer than two watch cycles as a gap, never a line.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import type { AlarmBook } from '../live/alarm-book.js';
import { useSession } from '../live/context.js';
import { limitText, quantityName, restoreSign, unitText, valueText } from '../format/words.js';
import { type Key, type Lang, t, tDynamic } from '../format/i18n.js';
import { appendSeries, loadSince, loadTrend, RANGES, type Series, type TrendRange } from '../live/trend-data.js';
import type { Limit, Point } from '../types.js';

const LIVE_MS = 2000;
const WINDOWED_REFRESH_MS = 30_000;
const LEVEL_COLOURS: Record<string, string> = { blue: '#3b8bff', yellow: '#ffd400', orange: '#ff8c1a', red: '#ff3030' };

interface Props {
  site: string;
  point: Point;
  lang: Lang;
  book: AlarmBook;
  coal: boolean;
  onClose(): void;
}

export function Trend({ site, point, lang, book, coal, onClose }: Props) {
  const { api, sites } = useSession();
  const [range, setRange] = useState<TrendRange>(RANGES[0] as TrendRange);
  const [status, setStatus] = useState<'loading' | 'ready' | 'empty' | string>('loading');
  const [count, setCount] = useState(0);
  const [gaps, setGaps] = useState(0);
  const box = useRef<HTMLDivElement>(null);
  const plotRef = useRef<uPlot>();
  const timeZone = sites.find((s) => s.site_id === site)?.time_zone ?? 'Asia/Shanghai';

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    let series: Series = { xs: [], ys: [] };
    let alive = true;
    let timer: ReturnType<typeof setTimeout>;
    const raises = () =>
      book
        .list()
        .filter((a) => a.site_id === site && a.point_id === point.point_id)
        .map((a) => Date.parse(a.raised_at) / 1000);
    const plot = new uPlot(chartOptions(point, timeZone, el.clientWidth, coal, raises), [[], []], el);
    plotRef.current = plot;
    const show = (s: Series) => {
      series = s;
      const gapped = withGaps(s, 2 * (point.watch_cycle_s ?? 30));
      plot.setData([gapped.xs, gapped.ys]);
      setGaps(gapped.xs.length - s.xs.length);
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
  }, [api, site, point.point_id, range, timeZone, book, coal]);
  // The limit labels are drawn on the canvas: redraw them in the new language.
  useEffect(() => plotRef.current?.redraw(), [lang]);

  return (
    <section
      class="trend"
      data-restore={point.limits
        .filter((l) => l.action === 'power_off')
        .map((l) => `${t('kj_restore')}${restoreSign(l)}${valueText(l.clear)}`)
        .join(' ')}
      data-point-id={point.point_id}
      data-points={count}
      data-gaps={gaps}
      data-status={status === 'ready' || status === 'empty' || status === 'loading' ? status : 'error'}
    >
      <header>
        <h3>
          {t('trend')} · {point.point_id} {quantityName(point.quantity)} · {point.location}
        </h3>
        <div class="ranges">
          {RANGES.map((r) => (
            <button type="button" key={r.id} class={r.id === range.id ? 'current' : ''} onClick={() => setRange(r)}>
              {t(r.id as Key)}
            </button>
          ))}
        </div>
        <button type="button" class="close" onClick={onClose}>
          {t('close')}
        </button>
      </header>
      <div class="chart" ref={box} />
      {status !== 'ready' && <p class="chart-note">{status === 'loading' ? t('trend_loading') : status === 'empty' ? t('trend_empty') : status}</p>}
    </section>
  );
}

/** A null between two readings further apart than `maxGapS`: uPlot breaks the line there. */
export function withGaps(s: Series, maxGapS: number): Series {
  const xs: number[] = [];
  const ys: (number | null)[] = [];
  s.xs.forEach((x, i) => {
    const prev = s.xs[i - 1];
    if (prev !== undefined && x - prev > maxGapS) xs.push((prev + x) / 2), ys.push(null);
    xs.push(x);
    ys.push(s.ys[i] ?? null);
  });
  return { xs, ys };
}

function chartOptions(point: Point, timeZone: string, width: number, coal: boolean, raises: () => number[]): uPlot.Options {
  const axis = { stroke: '#d8dee9', grid: { stroke: 'rgba(255,255,255,0.08)' }, ticks: { stroke: 'rgba(255,255,255,0.2)' }, font: '14px sans-serif' };
  return {
    width: Math.max(300, width),
    height: 280,
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), timeZone),
    legend: { show: false },
    scales: { x: { time: true }, y: { range: (_u, min, max) => yRange(min, max, point.limits) } },
    series: [{}, { label: point.point_id, stroke: '#4fe3c1', width: 2, spanGaps: false, points: { show: false } }],
    axes: [
      { ...axis, values: (_u, splits, _i, space) => timeLabels(splits, space, timeZone) },
      { ...axis, size: 70, label: unitText(point.unit), labelFont: '14px sans-serif' },
    ],
    hooks: { draw: [(u) => drawLimits(u, point.limits, coal), (u) => drawRaises(u, raises())] },
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
  const values = [min, max, ...limits.flatMap((l) => (l.action === 'power_off' ? [l.set, l.clear] : [l.set]))].filter((v): v is number => v !== null && Number.isFinite(v));
  if (values.length === 0) return [0, 1];
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const pad = (hi - lo || Math.abs(hi) || 1) * 0.08;
  return [lo - pad, hi + pad];
}

function drawLimits(u: uPlot, limits: readonly Limit[], coal: boolean): void {
  const { ctx, bbox } = u;
  ctx.save();
  ctx.font = `${13 * devicePixelRatio}px sans-serif`;
  ctx.textAlign = 'left';
  ctx.textBaseline = 'bottom';
  const line = (value: number, colour: string, dash: number[], label: string, right: boolean) => {
    const y = Math.round(u.valToPos(value, 'y', true));
    if (y < bbox.top || y > bbox.top + bbox.height) return;
    ctx.strokeStyle = ctx.fillStyle = colour;
    ctx.lineWidth = 2 * devicePixelRatio;
    ctx.setLineDash(dash.map((d) => d * devicePixelRatio));
    ctx.beginPath();
    ctx.moveTo(bbox.left, y);
    ctx.lineTo(bbox.left + bbox.width, y);
    ctx.stroke();
    ctx.textAlign = right ? 'right' : 'left';
    ctx.fillText(label, right ? bbox.left + bbox.width - 6 * devicePixelRatio : bbox.left + 6 * devicePixelRatio, y - 4 * devicePixelRatio);
  };
  for (const l of limits) {
    const colour = LEVEL_COLOURS[l.level] ?? '#fff';
    const head = l.action === 'power_off' ? (limitText(l, coal).split(' ')[0] ?? '') : limitText(l, coal);
    line(l.set, colour, [8, 6], `${head} ${tDynamic(`level_${l.level}`)}`, false);
    if (l.action === 'power_off') line(l.clear, '#32d46b', [3, 5], `${t('kj_restore')} ${restoreSign(l)}${valueText(l.clear)}`, true);
  }
  ctx.restore();
}

/** A thin vertical line at every alarm raise of the point. */
function drawRaises(u: uPlot, raises: number[]): void {
  const { ctx, bbox } = u;
  ctx.save();
  ctx.strokeStyle = 'rgba(255,48,48,0.8)';
  ctx.lineWidth = 1 * devicePixelRatio;
  for (const x of raises) {
    const px = Math.round(u.valToPos(x, 'x', true));
    if (px < bbox.left || px > bbox.left + bbox.width) continue;
    ctx.beginPath();
    ctx.moveTo(px, bbox.top);
    ctx.lineTo(px, bbox.top + bbox.height);
    ctx.stroke();
  }
  ctx.restore();
}
