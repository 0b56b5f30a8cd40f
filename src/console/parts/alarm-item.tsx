/**
 * One alarm in the feed: KJ label (coal) or level colour, type · place, the point's current value
 * (live, not the value at raise time), the peak, how long it has lasted; acknowledge with a
 * handling note. Cleared power-off alarms read 复电.
 */
import { useRef, useState } from 'preact/hooks';
import { AckForm } from './ack-form.js';
import { isActive } from '../live/alarm-book.js';
import { alarmTag, isPowerOffChain, severity } from '../format/alarm-kind.js';
import { siteName, useSession } from '../live/context.js';
import { alarmWords, comparator, decimalsFor, durationText, pointValueText, unitText, valueText, wallTime } from '../format/words.js';
import { type Lang, t, tDynamic } from '../format/i18n.js';
import { memo } from '../format/memo.js';
import type { Alarm } from '../types.js';

interface Props {
  alarm: Alarm;
  /** The version of the people names (re-render when a card's name arrives). */
  names: number;
  fresh: boolean;
  canAck: boolean;
  lang: Lang;
  /** The point's live value (undefined: not known yet, null: no valid reading). */
  current: number | null | undefined;
  /** The live value is stale (older than the watch cycle) or its sensor is in fault. */
  currentStale: boolean;
  /** Now, for the duration of an active alarm (0 for cleared ones, which do not tick). */
  now: number;
  onAcked(a: Alarm): void;
}

export const AlarmItem = memo(function AlarmItem({ alarm: a, fresh, canAck, current, currentStale, now, onAcked }: Props) {
  const session = useSession();
  const [acking, setAcking] = useState(false);
  const point = a.point_id ? session.points.get(a.site_id)?.get(a.point_id) : undefined;
  const kind = session.sites.find((s) => s.site_id === a.site_id)?.kind;
  const words = alarmWords(a, point, session.devices.get(a.site_id)?.get(a.device_id ?? ''));
  const active = isActive(a);
  const unacked = a.state.endsWith('unacked');
  const powerOff = isPowerOffChain(a);
  const cls = ['alarm', `level-${a.level}`, active ? 'active' : 'cleared', unacked ? 'unacked' : 'acked', powerOff ? 'power-off' : '', fresh && unacked ? 'fresh' : ''].join(' ');
  const restored = !active && powerOff && a.type !== 'feed_abnormal';
  return (
    <li class={cls} data-alarm-id={a.alarm_id} data-state={a.state} data-level={a.level} data-type={a.type} data-severity={severity(a)}>
      <div class="alarm-main">
        <span class={`level-tag level-${a.level}`}>{alarmTag(a, kind)}</span>
        <span class="what">{words.what}</span>
        <span class="where">{words.where}</span>
      </div>
      {point && a.limit && <Values alarm={a} active={active} current={current} stale={currentStale} />}
      <div class="alarm-meta">
        <span>{siteName(session, a.site_id)}</span>
        <span>
          {t('raised_at')} {wallTime(a.raised_at)}
        </span>
        <span class="duration">
          {t('lasted')} {durationText((a.cleared_at ? Date.parse(a.cleared_at) : now || Date.now()) - Date.parse(a.raised_at))}
        </span>
        {a.cleared_at && (
          <span class={restored ? 'restored' : ''}>
            {restored ? t('kj_restore') : t('cleared_at')} {wallTime(a.cleared_at)}
          </span>
        )}
        <span class="state">{tDynamic(`state_${a.state}`)}</span>
        {a.acked_by && (
          <span class="acked">
            {t('acked_by')} {a.acked_by}
            {a.note ? ` · ${a.note}` : ''}
          </span>
        )}
      </div>
      {canAck && unacked && !acking && (
        <button type="button" class="ack" onClick={() => setAcking(true)}>
          {t('ack')}
        </button>
      )}
      {acking && <AckForm alarms={[a]} onDone={() => setAcking(false)} onAcked={onAcked} />}
    </li>
  );
});

/** 当前 1.80 %CH4 ≥ 1.50 · 峰值 1.80: the live value while active (the peak follows it), the peak once cleared. */
function Values({ alarm: a, active, current, stale }: { alarm: Alarm; active: boolean; current: number | null | undefined; stale: boolean }) {
  const session = useSession();
  const point = session.points.get(a.site_id)?.get(a.point_id ?? '');
  const seen = useRef<number | undefined>(undefined);
  if (!point) return null;
  const low = a.limit?.direction === 'low';
  const live = current ?? undefined;
  if (active && !stale && live !== undefined && live !== null) seen.current = seen.current === undefined ? live : low ? Math.min(seen.current, live) : Math.max(seen.current, live);
  const recorded = low ? a.min_value : a.max_value;
  const peaks = [recorded, seen.current].filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  const peak = peaks.length === 0 ? undefined : low ? Math.min(...peaks) : Math.max(...peaks);
  const decimals = decimalsFor(a.limit?.set ?? a.value);
  const unit = unitText(point.unit);
  const shownNow = active ? (stale ? undefined : (live ?? a.value)) : undefined;
  const num = (v: number) => (point.kind === 'switch' ? pointValueText(point, v) : `${valueText(v, decimals)}${unit ? ` ${unit}` : ''}`);
  return (
    <div class="alarm-values">
      {active && (
        <span class="current">
          <span class="label">{t('now_value')}</span>{' '}
          <span class="detail" data-value={shownNow ?? ''}>
            {shownNow === undefined ? t('health_stale') : num(shownNow)}
            {a.limit && shownNow !== undefined ? ` ${comparator(a.limit)} ${valueText(a.limit.set, decimals)}` : ''}
          </span>
        </span>
      )}
      {peak !== undefined && point.kind !== 'switch' && (
        <span class="peak" data-value={peak}>
          {t('peak')} {num(peak)}
        </span>
      )}
    </div>
  );
}
