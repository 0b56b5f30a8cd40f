/**
 * Calibration (标校) of the chosen point from the console: who started it and until when, end it
 * early; or start one for a bounded time with a note (operators and admins; POST/DELETE
 * …/calibration). While it lasts the point's readings carry bit 4 and raise or clear nothing.
 */
import { useState } from 'preact/hooks';
import { canAcknowledge, useSession } from '../live/context.js';
import { wallTime } from '../format/words.js';
import { t } from '../format/i18n.js';
import type { Point } from '../types.js';

const MINUTES = [5, 10, 30, 60, 120, 240];

export function CalibrationBox({ site, point, onChanged }: { site: string; point: Point; onChanged(): void }) {
  const { api, me } = useSession();
  const [minutes, setMinutes] = useState(10);
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | undefined>();
  const cal = point.calibration;
  const run = async (f: () => Promise<unknown>) => {
    setError(undefined);
    try {
      await f();
      onChanged();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const canEdit = canAcknowledge(me);
  return (
    <div class="calibration" data-calibrating={cal ? 'yes' : 'no'}>
      {cal ? (
        <>
          <span class="cal-state">{calibrationText(point)}</span>
          {cal.note && <span class="muted"> · {cal.note}</span>}
          {canEdit && (
            <button type="button" class="cal-stop" onClick={() => void run(() => api.stopCalibration(site, point.point_id))}>
              {t('cal_stop')}
            </button>
          )}
        </>
      ) : (
        canEdit && (
          <form
            class="cal-start"
            onSubmit={(e) => {
              e.preventDefault();
              void run(() => api.startCalibration(site, point.point_id, minutes * 60, note.trim()));
            }}
          >
            <label>
              {t('cal_minutes')}
              <select name="cal-minutes" value={minutes} onChange={(e) => setMinutes(Number(e.currentTarget.value))}>
                {MINUTES.map((m) => (
                  <option key={m} value={m}>
                    {m}
                  </option>
                ))}
              </select>
            </label>
            <input name="cal-note" maxLength={2000} placeholder={t('cal_note')} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
            <button type="submit">{t('cal_start')}</button>
          </form>
        )
      )}
      {error && <p class="error">{error}</p>}
    </div>
  );
}

/** 标校中 · demo-operator · 至 12-02 07:10:00 */
export const calibrationText = (p: Point): string => (p.calibration ? t('cal_state', { by: p.calibration.by, until: wallTime(p.calibration.until) }) : '');
