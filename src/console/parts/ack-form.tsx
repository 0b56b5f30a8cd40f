/** Acknowledging one or several alarms with one handling note (处理措施). */
import { useState } from 'preact/hooks';
import { useSession } from '../live/context.js';
import { t } from '../format/i18n.js';
import type { Alarm } from '../types.js';

interface Props {
  alarms: readonly Alarm[];
  onDone(): void;
  onAcked(a: Alarm): void;
}

export function AckForm({ alarms, onDone, onAcked }: Props) {
  const { api } = useSession();
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    const failed: string[] = [];
    for (const a of alarms) {
      try {
        onAcked(await api.ack(a.alarm_id, note.trim()));
      } catch (err) {
        failed.push((err as Error).message);
      }
    }
    setBusy(false);
    if (failed.length === 0) onDone();
    else setError(failed.join('; '));
  };
  return (
    <form class="ack-form" onSubmit={submit} aria-label={t('ack_title')}>
      <label>
        {t('ack_note')}
        <textarea name="note" rows={2} maxLength={2000} placeholder={t('ack_note_placeholder')} value={note} onInput={(e) => setNote(e.currentTarget.value)} required autofocus />
      </label>
      {error && <p class="error">{error}</p>}
      <div class="row">
        <button type="submit" class="primary" disabled={busy || note.trim() === ''}>
          {alarms.length > 1 ? t('ack_all_submit', { n: alarms.length }) : t('ack_submit')}
        </button>
        <button type="button" onClick={onDone}>
          {t('cancel')}
        </button>
      </div>
    </form>
  );
}
