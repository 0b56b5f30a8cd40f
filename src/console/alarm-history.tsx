/** Alarm history over a time range (GET /api/v1/alarms?from=&to=&state=all). */
import { useState } from 'preact/hooks';
import { siteName, useSession } from './context.js';
import { alarmWords, valueText, wallTime } from './format.js';
import { type Lang, t, tDynamic } from './i18n.js';
import type { Alarm } from './types.js';

const HOUR = 3_600_000;
const LIMIT = 2000;

/** A datetime-local value (browser time) for an epoch ms. */
function localInput(ms: number): string {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
}

export function AlarmHistory(_: { lang: Lang }) {
  const session = useSession();
  const [from, setFrom] = useState(localInput(Date.now() - 24 * HOUR));
  const [to, setTo] = useState(localInput(Date.now() + 60_000));
  const [site, setSite] = useState('');
  const [result, setResult] = useState<Alarm[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  const search = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    try {
      setResult(await session.api.alarms({ state: 'all', from: new Date(from).getTime(), to: new Date(to).getTime(), limit: LIMIT, ...(site ? { site_id: site } : {}) }));
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <div class="history">
      <form class="history-query" onSubmit={search}>
        <label>
          {t('from')} <input type="datetime-local" name="from" value={from} onInput={(e) => setFrom(e.currentTarget.value)} required />
        </label>
        <label>
          {t('to')} <input type="datetime-local" name="to" value={to} onInput={(e) => setTo(e.currentTarget.value)} required />
        </label>
        <label>
          {t('site')}
          <select value={site} onChange={(e) => setSite(e.currentTarget.value)}>
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
        {result && <span>{t('history_count', { n: result.length })}</span>}
      </form>
      {error && <p class="error">{t('error_loading', { msg: error })}</p>}
      {result && (
        <table class="history-table">
          <thead>
            <tr>
              <th>{t('raised_at')}</th>
              <th>{t('cleared_at')}</th>
              <th>{t('level')}</th>
              <th>{t('type')}</th>
              <th>{t('site')}</th>
              <th class="num">{t('max_value')}</th>
              <th>{t('state')}</th>
              <th>{t('acked_by')}</th>
              <th>{t('note')}</th>
            </tr>
          </thead>
          <tbody>
            {result.map((a) => {
              const w = alarmWords(a, a.point_id ? session.points.get(a.site_id)?.get(a.point_id) : undefined);
              return (
                <tr key={a.alarm_id} class={`level-${a.level}`}>
                  <td>{wallTime(a.raised_at)}</td>
                  <td>{a.cleared_at ? wallTime(a.cleared_at) : ''}</td>
                  <td>
                    <span class={`level-tag level-${a.level}`}>{tDynamic(`level_${a.level}`)}</span>
                  </td>
                  <td>{[w.what, w.where, w.detail].filter(Boolean).join(' · ')}</td>
                  <td>{siteName(session, a.site_id)}</td>
                  <td class="num">{valueText(a.max_value)}</td>
                  <td>{tDynamic(`state_${a.state}`)}</td>
                  <td>{a.acked_by ?? ''}</td>
                  <td>{a.note ?? ''}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}
