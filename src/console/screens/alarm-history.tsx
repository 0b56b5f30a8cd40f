/**
 * Alarm history over a time range (GET /api/v1/alarms?from=&to=&state=all). The pickers read and
 * show the site's wall time (not the browser's zone); filters by type, level and point; the list
 * exports to CSV as shown.
 */
import { useState } from 'preact/hooks';
import { useSession } from '../live/context.js';
import { LEVELS } from '../../domain/alarm-words.js';
import { HISTORY_COLUMNS, historyRows, toCsv } from '../format/history-rows.js';
import { type Lang, t, tDynamic } from '../format/i18n.js';
import type { Alarm } from '../types.js';
import { fromZoneInput, zoneInput } from '../format/zone-time.js';

const HOUR = 3_600_000;
const LIMIT = 2000;

export function AlarmHistory(_: { lang: Lang }) {
  const session = useSession();
  const [site, setSite] = useState('');
  const timeZone = session.sites.find((s) => s.site_id === site)?.time_zone ?? session.sites[0]?.time_zone ?? 'Asia/Shanghai';
  const [range, setRange] = useState(() => ({ from: Date.now() - 24 * HOUR, to: Date.now() + 60_000 }));
  const [result, setResult] = useState<Alarm[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [type, setType] = useState('');
  const [level, setLevel] = useState('');
  const [point, setPoint] = useState('');
  const search = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    try {
      setResult(await session.api.alarms({ state: 'all', from: range.from, to: range.to, limit: LIMIT, ...(site ? { site_id: site } : {}) }));
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const rows = historyRows(session, result ?? []).filter(
    (r) => (!type || r.alarm.type === type) && (!level || r.alarm.level === level) && (!point || r.pointText.toLowerCase().includes(point.trim().toLowerCase())),
  );
  const types = [...new Set((result ?? []).map((a) => a.type))].sort();
  const exportCsv = () => {
    const url = URL.createObjectURL(new Blob(['\ufeff', toCsv(rows)], { type: 'text/csv;charset=utf-8' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `alarms_${zoneInput(range.from, timeZone).replace(/[-:T]/g, '')}_${zoneInput(range.to, timeZone).replace(/[-:T]/g, '')}.csv`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };
  return (
    <div class="history">
      <form class="history-query" onSubmit={search}>
        <label>
          {t('from')}{' '}
          <input
            type="datetime-local"
            name="from"
            value={zoneInput(range.from, timeZone)}
            onInput={(e) => e.currentTarget.value && setRange({ ...range, from: fromZoneInput(e.currentTarget.value, timeZone) })}
            required
          />
        </label>
        <label>
          {t('to')}{' '}
          <input
            type="datetime-local"
            name="to"
            value={zoneInput(range.to, timeZone)}
            onInput={(e) => e.currentTarget.value && setRange({ ...range, to: fromZoneInput(e.currentTarget.value, timeZone) })}
            required
          />
        </label>
        <span class="zone" data-zone={timeZone}>
          {timeZone}
        </span>
        <label>
          {t('site')}
          <select name="history-site" value={site} onChange={(e) => setSite(e.currentTarget.value)}>
            <option value="">{t('all')}</option>
            {session.sites.map((s) => (
              <option key={s.site_id} value={s.site_id}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" class="primary">
          {t('search')}
        </button>
      </form>
      {error && <p class="error">{t('error_loading', { msg: error })}</p>}
      {result && (
        <div class="history-filters">
          <label>
            {t('type')}
            <select name="history-type" value={type} onChange={(e) => setType(e.currentTarget.value)}>
              <option value="">{t('all')}</option>
              {types.map((x) => (
                <option key={x} value={x}>
                  {tDynamic(`type_${x}`)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('level')}
            <select name="history-level" value={level} onChange={(e) => setLevel(e.currentTarget.value)}>
              <option value="">{t('all')}</option>
              {[...LEVELS].reverse().map((l) => (
                <option key={l} value={l}>
                  {tDynamic(`level_${l}`)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('point')}
            <input type="search" name="history-point" value={point} onInput={(e) => setPoint(e.currentTarget.value)} />
          </label>
          <span class="history-count">{t('history_count', { n: rows.length })}</span>
          <button type="button" class="export" onClick={exportCsv}>
            {t('export_csv')}
          </button>
        </div>
      )}
      {result && (
        <table class="history-table">
          <thead>
            <tr>
              <th>{t('raised_at')}</th>
              <th>{t('cleared_at')}</th>
              <th>{t('duration')}</th>
              <th>{t('level')}</th>
              <th>{t('type')}</th>
              <th>{t('site')}</th>
              <th class="num">{t('max_value')}</th>
              <th>{t('state')}</th>
              <th>{t('acked_by')}</th>
              <th>{t('acked_at')}</th>
              <th>{t('note')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.alarm.alarm_id} class={`level-${r.alarm.level}`} data-alarm-id={r.alarm.alarm_id} data-type={r.alarm.type}>
                {r.cells.map((c, i) =>
                  i === 3 ? (
                    <td key={i}>
                      <span class={`level-tag level-${r.alarm.level}`}>{c}</span>
                    </td>
                  ) : (
                    <td key={i} class={i === 6 ? 'num' : i === 10 ? 'note' : ''} data-label={t(HISTORY_COLUMNS[i] ?? 'note')}>
                      {c}
                    </td>
                  ),
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
