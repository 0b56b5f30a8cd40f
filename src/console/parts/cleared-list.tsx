/** Cleared alarms awaiting acknowledgement, one line each, with "acknowledge all" (one handling note). */
import { useState } from 'preact/hooks';
import { AckForm } from './ack-form.js';
import { alarmTag } from '../format/alarm-kind.js';
import { useSession } from '../live/context.js';
import { alarmWords, wallTime } from '../format/words.js';
import { t } from '../format/i18n.js';
import type { Alarm } from '../types.js';

interface Props {
  alarms: readonly Alarm[];
  canAck: boolean;
  onAcked(a: Alarm): void;
}

export function ClearedList({ alarms, canAck, onAcked }: Props) {
  const session = useSession();
  const [acking, setAcking] = useState(false);
  return (
    <li class="cleared-list">
      <details>
        <summary>{t('cleared_waiting', { n: alarms.length })}</summary>
        <ul>
          {alarms.map((a) => {
            const w = alarmWords(a, a.point_id ? session.points.get(a.site_id)?.get(a.point_id) : undefined, session.devices.get(a.site_id)?.get(a.device_id ?? ''));
            return (
              <li key={a.alarm_id} class={`alarm compact level-${a.level}`} data-alarm-id={a.alarm_id} data-state={a.state} data-level={a.level} data-type={a.type}>
                <span class={`level-tag level-${a.level}`}>{alarmTag(a, session.sites.find((s) => s.site_id === a.site_id)?.kind)}</span> {w.what} · {w.where}{' '}
                <span class="muted">
                  {wallTime(a.raised_at)}–{wallTime(a.cleared_at).slice(6)}
                </span>
              </li>
            );
          })}
        </ul>
      </details>
      {canAck && !acking && (
        <button type="button" class="ack ack-all" onClick={() => setAcking(true)}>
          {t('ack_all', { n: alarms.length })}
        </button>
      )}
      {acking && <AckForm alarms={alarms} onDone={() => setAcking(false)} onAcked={onAcked} />}
    </li>
  );
}
