/** Points of one site: live value, unit, status in words, limits, last update age; click for the trend. */
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { useSession } from './context.js';
import { ageText, decimalsOfPoint, limitsText, quantityName, statusWords, unitText, valueText } from './format.js';
import { usePoll } from './hooks.js';
import { type Lang, t } from './i18n.js';
import { memo } from './memo.js';
import { SitePicker } from './site-picker.js';
import { Trend } from './trend.js';
import type { Point } from './types.js';

const POLL_MS = 2000;

interface Props {
  site: string;
  onSite(site_id: string): void;
  lang: Lang;
}

export function PointsView({ site, onSite, lang }: Props) {
  const { api } = useSession();
  const points = usePoll(() => api.points(site), POLL_MS, [site]);
  const [selected, setSelected] = useState<string | undefined>();
  const [filter, setFilter] = useState('');
  const choose = (site_id: string) => {
    setSelected(undefined);
    onSite(site_id);
  };
  const needle = filter.trim().toLowerCase();
  const rows = (points.data ?? []).filter((p) => !needle || `${p.point_id} ${p.location} ${p.quantity} ${quantityName(p.quantity)}`.toLowerCase().includes(needle));
  const chosen = points.data?.find((p) => p.point_id === selected);
  const table = useRef<HTMLTableElement>(null);
  useEffect(() => {
    const id = setInterval(() => table.current?.querySelectorAll<HTMLElement>('.age').forEach((el) => paintAge(el, Date.now())), 1000);
    return () => clearInterval(id);
  }, []);
  return (
    <div class="points-view">
      <SitePicker site={site} onSite={choose} />
      {chosen && <Trend key={`${site}/${chosen.point_id}`} site={site} point={chosen} lang={lang} onClose={() => setSelected(undefined)} />}
      <input class="filter" type="search" placeholder={t('filter_points')} value={filter} onInput={(e) => setFilter(e.currentTarget.value)} />
      {points.error && <p class="error">{t('error_loading', { msg: points.error })}</p>}
      <table class="points" ref={table}>
        <thead>
          <tr>
            <th>{t('point')}</th>
            <th>{t('location')}</th>
            <th class="num">{t('value')}</th>
            <th>{t('unit')}</th>
            <th>{t('status')}</th>
            <th>{t('limits')}</th>
            <th>{t('updated')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((p) => (
            <PointRow key={p.point_id} point={p} lastTs={p.last?.ts} lastValue={p.last?.value} lastStatus={p.last?.status} selected={p.point_id === selected} lang={lang} onSelect={setSelected} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

interface RowProps {
  point: Point;
  lastTs: string | undefined;
  lastValue: number | null | undefined;
  lastStatus: number | undefined;
  selected: boolean;
  lang: Lang;
  onSelect(point_id: string): void;
}

/** Re-renders only when the reading changes (ts, value, status), not on every poll; `point` is config. */
const PointRow = memo(function PointRow({ point: p, lastTs, lastValue, lastStatus, selected, onSelect }: RowProps) {
  const status = lastStatus ?? 0;
  const hasValue = lastValue !== null && lastValue !== undefined;
  const cls = ['point', status & 1 ? 'in-alarm' : '', status & ~1 ? 'abnormal' : '', selected ? 'selected' : ''].join(' ');
  return (
    <tr class={cls} data-point-id={p.point_id} tabIndex={0} onClick={() => onSelect(p.point_id)} onKeyDown={(e) => e.key === 'Enter' && onSelect(p.point_id)}>
      <td>
        <span class="pid">{p.point_id}</span> <span class="quantity">{quantityName(p.quantity)}</span>
      </td>
      <td>{p.location}</td>
      <td class={hasValue ? 'num value' : 'num value none'}>{lastTs === undefined ? t('no_value') : valueText(lastValue, decimalsOfPoint(p))}</td>
      <td>{unitText(p.unit)}</td>
      <td class="status">{lastTs === undefined ? t('no_value') : statusWords(status).join(' · ')}</td>
      <td class="limits">{limitsText(p.limits, '')}</td>
      <td>
        <Age iso={lastTs} />
      </td>
    </tr>
  );
}, ['point']);

/**
 * The age of the last reading. Its text is written directly, by the row when the reading changes
 * and by one timer for the whole table every second, so hundreds of rows do not re-render each second.
 */
function Age({ iso }: { iso: string | undefined }) {
  const ref = useRef<HTMLSpanElement>(null);
  useLayoutEffect(() => {
    if (ref.current) paintAge(ref.current, Date.now());
  }, [iso]);
  return <span class="age" data-ts={iso ?? ''} ref={ref} />;
}

function paintAge(el: HTMLElement, now: number): void {
  const iso = el.dataset.ts || undefined;
  el.textContent = ageText(iso, now);
  el.classList.toggle('stale', iso !== undefined && now - Date.parse(iso) > 60_000);
}
