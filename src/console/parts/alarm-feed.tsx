/**
 * The alarm feed, always on screen: active first, by severity (power-off chain, red … blue), then
 * newest; filters by site, level, state and type. Cleared alarms still awaiting acknowledgement
 * collapse into a compact list with one "acknowledge all" (one handling note for all).
 */
import { useState } from 'preact/hooks';
import { type AlarmBook, isActive } from '../live/alarm-book.js';
import { AlarmItem } from './alarm-item.js';
import { ClearedList } from './cleared-list.js';
import { canAcknowledge, useSession } from '../live/context.js';
import { LEVELS } from '../../domain/alarm-words.js';
import { useBook, useNow } from '../live/hooks.js';
import { type Key, type Lang, t, tDynamic } from '../format/i18n.js';
import type { LivePoints } from '../live/live-points.js';
import { faultIndex, pointHealth } from '../format/point-health.js';
import type { Alarm, Point } from '../types.js';
import { useLive } from '../live/use-live-points.js';
import { usePeopleVersion } from '../live/use-people.js';

interface Filters {
  site: string;
  level: string;
  state: string;
  type: string;
}

const STATES = ['active', 'unacked', 'active_unacked', 'active_acked', 'cleared_unacked', 'cleared_acked'];
const TYPES = [
  'over_limit',
  'power_off',
  'feed_abnormal',
  'fan_stopped',
  'offline',
  'sensor_fault',
  'over_range',
  'overcrowding',
  'overtime',
  'restricted_area',
  'sos',
  'item_warning',
  'sink_backlog',
];

function matches(a: Alarm, f: Filters): boolean {
  if (f.site && a.site_id !== f.site) return false;
  if (f.level && a.level !== f.level) return false;
  if (f.type && a.type !== f.type) return false;
  if (f.state === 'active') return isActive(a);
  if (f.state === 'unacked') return a.state.endsWith('unacked');
  return !f.state || a.state === f.state;
}

export function AlarmFeed({ book, lang, live }: { book: AlarmBook; lang: Lang; live: LivePoints }) {
  const session = useSession();
  useBook(book);
  useLive(live);
  const now = useNow();
  const names = usePeopleVersion();
  const [f, setF] = useState<Filters>({ site: '', level: '', state: '', type: '' });
  const shown = book.list().filter((a) => matches(a, f));
  const clearedUnacked = f.state === '' || f.state === 'unacked' ? shown.filter((a) => a.state === 'cleared_unacked') : [];
  const cards = shown.filter((a) => !clearedUnacked.includes(a));
  const active = book.list().filter(isActive).length;
  const faults = faultIndex(book.list());
  const canAck = canAcknowledge(session.me);
  const select = (key: keyof Filters, label: Key, options: [string, string][]) => (
    <label>
      {t(label)}
      <select name={`feed-${key}`} value={f[key]} onChange={(e) => setF({ ...f, [key]: e.currentTarget.value })}>
        <option value="">{t('all')}</option>
        {options.map(([value, text]) => (
          <option key={value} value={value}>
            {text}
          </option>
        ))}
      </select>
    </label>
  );
  const item = (a: Alarm) => {
    const p = a.point_id ? live.get(a.site_id, a.point_id) : undefined;
    const stale = p ? pointHealth(a.site_id, p, now, faults).health !== 'ok' : false;
    return (
      <AlarmItem
        key={a.alarm_id}
        names={names}
        alarm={a}
        fresh={book.isFresh(a.alarm_id, now)}
        canAck={canAck}
        lang={lang}
        current={currentValue(a, p)}
        currentStale={stale}
        now={isActive(a) ? now : 0}
        onAcked={(x) => book.put(x)}
      />
    );
  };
  return (
    <aside class="feed" aria-label={t('feed_title')}>
      <h2>
        {t('feed_title')} <span class={active > 0 ? 'count' : 'count none'}>{active}</span>
      </h2>
      <div class="filters">
        {select(
          'site',
          'site',
          session.sites.map((s) => [s.site_id, s.name]),
        )}
        {select(
          'level',
          'level',
          [...LEVELS].reverse().map((l) => [l, tDynamic(`level_${l}`)]),
        )}
        {select(
          'state',
          'state',
          STATES.map((s) => [s, tDynamic(`state_${s}`)]),
        )}
        {select(
          'type',
          'type',
          TYPES.map((x) => [x, tDynamic(`type_${x}`)]),
        )}
      </div>
      <ol class="alarms">
        {shown.length === 0 && <li class="empty">{t('feed_empty')}</li>}
        {cards.filter(isActive).map(item)}
        {clearedUnacked.length > 0 && <ClearedList alarms={clearedUnacked} canAck={canAck} onAcked={(x) => book.put(x)} />}
        {cards.filter((a) => !isActive(a)).map(item)}
      </ol>
    </aside>
  );
}

/**
 * The point's current value for a card: its last reading, unless the alarm itself saw a newer one
 * (the points poll runs every 2 s: a card raised a moment ago must not show the value before it).
 */
function currentValue(a: Alarm, p: Point | undefined): number | null | undefined {
  const seen = Math.max(...[a.raised_at, a.confirmed_at, a.max_at].filter((t): t is string => t !== undefined).map((t) => Date.parse(t)));
  const last = p?.last ? Date.parse(p.last.ts) : Number.NEGATIVE_INFINITY;
  return last >= seen ? p?.last?.value : a.value;
}
