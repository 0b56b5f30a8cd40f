/** One alarm in the feed: level colour, type · place · value, state; acknowledge with a handling note. */
import { memo } from './memo.js';
import { useState } from 'preact/hooks';
import { isActive } from './alarm-book.js';
import { siteName, useSession } from './context.js';
import { alarmWords, wallTime } from './format.js';
import { type Lang, t, tDynamic } from './i18n.js';
import type { Alarm } from './types.js';

interface Props {
  alarm: Alarm;
  fresh: boolean;
  canAck: boolean;
  lang: Lang;
  onAcked(a: Alarm): void;
}

export const AlarmItem = memo(function AlarmItem({ alarm: a, fresh, canAck, onAcked }: Props) {
  const session = useSession();
  const [acking, setAcking] = useState(false);
  const words = alarmWords(a, a.point_id ? session.points.get(a.site_id)?.get(a.point_id) : undefined);
  const unacked = a.state.endsWith('unacked');
  const cls = ['alarm', `level-${a.level}`, isActive(a) ? 'active' : 'cleared', unacked ? 'unacked' : 'acked', fresh && unacked ? 'fresh' : ''].join(' ');
  return (
    <li class={cls} data-alarm-id={a.alarm_id} data-state={a.state} data-level={a.level}>
      <div class="alarm-main">
        <span class="level-tag">{tDynamic(`level_${a.level}`)}</span>
        <span class="what">{words.what}</span>
        <span class="where">{words.where}</span>
        {words.detail && <span class="detail">{words.detail}</span>}
      </div>
      <div class="alarm-meta">
        <span>{siteName(session, a.site_id)}</span>
        <span>
          {t('raised_at')} {wallTime(a.raised_at)}
        </span>
        {a.cleared_at && (
          <span>
            {t('cleared_at')} {wallTime(a.cleared_at)}
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
        <button class="ack" onClick={() => setAcking(true)}>
          {t('ack')}
        </button>
      )}
      {acking && <AckForm alarm={a} onDone={() => setAcking(false)} onAcked={onAcked} />}
    </li>
  );
});

function AckForm({ alarm, onDone, onAcked }: { alarm: Alarm; onDone(): void; onAcked(a: Alarm): void }) {
  const { api } = useSession();
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | undefined>();
  const submit = async (e: Event) => {
    e.preventDefault();
    try {
      onAcked(await api.ack(alarm.alarm_id, note.trim()));
      onDone();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <form class="ack-form" onSubmit={submit} aria-label={t('ack_title')}>
      <label>
        {t('ack_note')}
        <textarea name="note" rows={2} maxLength={2000} placeholder={t('ack_note_placeholder')} value={note} onInput={(e) => setNote(e.currentTarget.value)} required autofocus />
      </label>
      {error && <p class="error">{error}</p>}
      <div class="row">
        <button type="submit" class="primary" disabled={note.trim() === ''}>
          {t('ack_submit')}
        </button>
        <button type="button" onClick={onDone}>
          {t('cancel')}
        </button>
      </div>
    </form>
  );
}
