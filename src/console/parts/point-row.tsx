/** One row of the points table; re-renders only when the reading or its health changes. */
import { useLayoutEffect, useRef } from 'preact/hooks';
import { ageText, limitsText, pointValueText, quantityName, statusWords, unitText } from '../format/words.js';
import { type Lang, t } from '../format/i18n.js';
import { calibrationText } from '../screens/calibration.js';
import { memo } from '../format/memo.js';
import { type Health, healthWord } from '../format/point-health.js';
import type { Point } from '../types.js';

interface RowProps {
  point: Point;
  coal: boolean;
  health: Health;
  /** who/until of an open calibration window, '' when none (a primitive, for memo) */
  calibrating: string;
  lastTs: string | undefined;
  lastValue: number | null | undefined;
  lastStatus: number | undefined;
  selected: boolean;
  lang: Lang;
  onSelect(point_id: string): void;
}

export const PointRow = memo(
  function PointRow({ point: p, coal, health, calibrating, lastTs, lastValue, lastStatus, selected, onSelect }: RowProps) {
    const status = lastStatus ?? 0;
    const current = health === 'ok';
    const hasValue = current && lastValue !== null && lastValue !== undefined;
    const cls = ['point', `health-${health}`, current && status & 1 ? 'in-alarm' : '', !current || status & ~1 ? 'abnormal' : '', selected ? 'selected' : ''].join(' ');
    const statusText = health === 'none' ? t('no_value') : current ? statusWords(status).join(' · ') : healthWord(health);
    return (
      <tr class={cls} data-point-id={p.point_id} data-health={health} tabIndex={0} onClick={() => onSelect(p.point_id)} onKeyDown={(e) => e.key === 'Enter' && onSelect(p.point_id)}>
        <td class="name">
          <span class="quantity">{p.name ?? quantityName(p.quantity)}</span> <span class="pid">{p.point_id}</span>
        </td>
        <td class="where">{p.location}</td>
        <td class={hasValue ? 'num value' : 'num value none'}>
          {current ? pointValueText(p, lastValue) : health === 'none' ? t('no_value') : healthWord(health)}
          {!current && lastTs !== undefined && (
            <small class="was">
              {t('last_value')} {pointValueText(p, lastValue)}
            </small>
          )}
        </td>
        <td class="unit">{unitText(p.unit)}</td>
        <td class="status">
          {statusText}
          {calibrating && <small class="cal">{calibrationText(p)}</small>}
        </td>
        <td class="limits">{limitsText(p.limits, '', coal)}</td>
        <td class="updated">
          <Age iso={lastTs} stale={!current} />
        </td>
      </tr>
    );
  },
  ['point'],
);

/**
 * The age of the last reading. Its text is written directly, by the row when the reading changes
 * and by one timer for the whole table every second, so hundreds of rows do not re-render each second.
 */
function Age({ iso, stale }: { iso: string | undefined; stale: boolean }) {
  const ref = useRef<HTMLSpanElement>(null);
  useLayoutEffect(() => {
    if (ref.current) paintAge(ref.current, Date.now());
  }, [iso]);
  return <span class={stale ? 'age stale' : 'age'} data-ts={iso ?? ''} ref={ref} />;
}

export function paintAge(el: HTMLElement, now: number): void {
  const iso = el.dataset.ts || undefined;
  el.textContent = ageText(iso, now);
}
