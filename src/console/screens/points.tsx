/**
 * Points of one site: live value, unit, status in words, limits, last update age; click for the
 * trend. A point whose data is stale or whose device/sensor is in fault shows that state, never
 * its old value as current. Filter by text and status; sort by alarm first.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { AlarmBook } from '../live/alarm-book.js';
import { CalibrationBox } from './calibration.js';
import { useSession } from '../live/context.js';
import { quantityName } from '../format/words.js';
import { useBook, useNow } from '../live/hooks.js';
import { type Lang, t } from '../format/i18n.js';
import type { LivePoints } from '../live/live-points.js';
import { faultIndex, type Health, pointHealth } from '../format/point-health.js';
import { paintAge, PointRow } from '../parts/point-row.js';
import { SitePicker } from '../parts/site-picker.js';
import { Trend } from './trend.js';
import type { Point } from '../types.js';
import { useLive } from '../live/use-live-points.js';

type StatusFilter = '' | 'alarm' | 'abnormal' | 'normal';

interface Props {
  site: string;
  onSite(site_id: string): void;
  lang: Lang;
  book: AlarmBook;
  live: LivePoints;
}

/** Rank for sort-by-alarm: in alarm, then not current (stale, offline, fault, never read), then other status bits, then normal. */
function rank(p: Point, h: Health): number {
  const status = p.last?.status ?? 0;
  if (h !== 'ok') return 1;
  return status & 1 ? 0 : status & ~1 ? 2 : 3;
}

export function PointsView({ site, onSite, lang, book, live }: Props) {
  const { sites } = useSession();
  useLive(live);
  useBook(book);
  const now = useNow();
  const [selected, setSelected] = useState<string | undefined>();
  const [filter, setFilter] = useState('');
  const [status, setStatus] = useState<StatusFilter>('');
  const [byAlarm, setByAlarm] = useState(false);
  const choose = (site_id: string) => {
    setSelected(undefined);
    onSite(site_id);
  };
  const coal = sites.find((s) => s.site_id === site)?.kind === 'coal_mine';
  const faults = faultIndex(book.list());
  const needle = filter.trim().toLowerCase();
  const all = (live.list(site) ?? []).map((p) => ({ p, ...pointHealth(site, p, now, faults) }));
  const rows = all
    .filter(({ p }) => !needle || `${p.point_id} ${p.name ?? ''} ${p.location} ${p.quantity} ${quantityName(p.quantity)}`.toLowerCase().includes(needle))
    .filter(({ p, health }) => {
      const r = rank(p, health);
      return status === '' || (status === 'alarm' ? r === 0 : status === 'abnormal' ? r === 1 || r === 2 : r === 3);
    });
  if (byAlarm) rows.sort((a, b) => rank(a.p, a.health) - rank(b.p, b.health));
  const chosen = all.find((r) => r.p.point_id === selected)?.p;
  const table = useRef<HTMLTableElement>(null);
  useEffect(() => {
    const id = setInterval(() => table.current?.querySelectorAll<HTMLElement>('.age').forEach((el) => paintAge(el, Date.now())), 1000);
    return () => clearInterval(id);
  }, []);
  const error = live.error(site);
  return (
    <div class="points-view">
      <SitePicker site={site} onSite={choose} />
      {chosen && <Trend key={`${site}/${chosen.point_id}`} site={site} point={chosen} lang={lang} book={book} coal={coal} onClose={() => setSelected(undefined)} />}
      {chosen && <CalibrationBox site={site} point={chosen} onChanged={() => live.refresh()} />}
      <div class="points-filters">
        <input class="filter" type="search" placeholder={t('filter_points')} value={filter} onInput={(e) => setFilter(e.currentTarget.value)} />
        <select name="points-status" value={status} onChange={(e) => setStatus(e.currentTarget.value as StatusFilter)} aria-label={t('status')}>
          <option value="">{t('all')}</option>
          <option value="alarm">{t('status_1')}</option>
          <option value="abnormal">{t('filter_abnormal')}</option>
          <option value="normal">{t('status_normal')}</option>
        </select>
        <label class="check">
          <input type="checkbox" name="points-by-alarm" checked={byAlarm} onChange={(e) => setByAlarm(e.currentTarget.checked)} /> {t('sort_by_alarm')}
        </label>
      </div>
      {error && <p class="error">{t('error_loading', { msg: error })}</p>}
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
          {rows.map(({ p, health }) => (
            <PointRow
              key={p.point_id}
              point={p}
              coal={coal}
              health={health}
              calibrating={p.calibration ? `${p.calibration.by}/${p.calibration.until}` : ''}
              lastTs={p.last?.ts}
              lastValue={p.last?.value}
              lastStatus={p.last?.status}
              selected={p.point_id === selected}
              lang={lang}
              onSelect={setSelected}
            />
          ))}
        </tbody>
      </table>
    </div>
  );
}
