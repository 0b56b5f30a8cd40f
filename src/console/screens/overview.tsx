/**
 * Overview: per site the worst active level, active alarms by level, the points in alarm by name,
 * offline devices, people underground (unknown, not 0, while every positioning reader is down;
 * not asked at all on sites without positioning).
 */
import { type AlarmBook, isActive } from '../live/alarm-book.js';
import { severity } from '../format/alarm-kind.js';
import { useSession } from '../live/context.js';
import { calibrationText } from './calibration.js';
import { LEVELS, levelRank } from '../../domain/alarm-words.js';
import { alarmWords, quantityName } from '../format/words.js';
import { useBook, usePoll } from '../live/hooks.js';
import { t, tDynamic } from '../format/i18n.js';
import { useOnlineRate } from '../live/online-rate.js';
import { percent } from '../live/report-types.js';
import type { Alarm, Device, Site } from '../types.js';

const POLL_MS = 10_000;
const NAMED = 6;

/** A device of the personnel positioning system (a reader / base station). */
const isReader = (d: Device): boolean => d.profile.includes('position');

interface Props {
  book: AlarmBook;
  onOpenSite(site_id: string): void;
}

export function Overview({ book, onOpenSite }: Props) {
  const { sites } = useSession();
  useBook(book);
  const active = book.list().filter(isActive);
  return (
    <div class="overview">
      {sites.map((s) => {
        const mine = active.filter((a) => a.site_id === s.site_id);
        const counts = Object.fromEntries(LEVELS.map((l) => [l, 0])) as Record<string, number>;
        for (const a of mine) counts[a.level] = (counts[a.level] ?? 0) + 1;
        const worst = [...LEVELS].reverse().find((l) => (counts[l] ?? 0) > 0);
        return <SiteCard key={s.site_id} site={s} counts={counts} worst={worst} alarms={mine} onOpen={() => onOpenSite(s.site_id)} />;
      })}
    </div>
  );
}

interface CardProps {
  site: Site;
  counts: Record<string, number>;
  worst: string | undefined;
  alarms: Alarm[];
  onOpen(): void;
}

function SiteCard({ site, counts, worst, alarms, onOpen }: CardProps) {
  const session = useSession();
  const { api } = session;
  const devices = usePoll(() => api.devices(site.site_id), POLL_MS, [site.site_id]);
  const readers = devices.data?.filter(isReader);
  const hasPositioning = readers !== undefined && readers.length > 0;
  const people = usePoll(() => (hasPositioning ? api.personnel(site.site_id) : Promise.resolve(null)), POLL_MS, [site.site_id, hasPositioning]);
  const calibrating = usePoll(() => api.points(site.site_id).then((ps) => ps.filter((p) => p.calibration)), POLL_MS, [site.site_id]).data ?? [];
  const offline = devices.data?.filter((d) => !d.online).length;
  const readersDown = hasPositioning && readers.every((d) => !d.online);
  const headcount = readers === undefined ? '…' : !hasPositioning ? t('not_applicable') : readersDown ? t('unknown') : people.data ? String(people.data.underground_count) : '…';
  const named = [...alarms].sort((a, b) => severity(b) - severity(a)).slice(0, NAMED);
  const rate = useOnlineRate(api.token, site.site_id);
  return (
    <button type="button" class={`site-card worst-${worst ?? 'none'}`} data-site-id={site.site_id} onClick={onOpen}>
      <h3>{site.name}</h3>
      <div class="worst">
        <span class="label">{t('worst_level')}</span>
        <span class="big">{worst ? tDynamic(`level_${worst}`) : t('no_alarm')}</span>
      </div>
      <div class="level-counts" title={t('active_alarms')}>
        {[...LEVELS]
          .sort((a, b) => levelRank(b) - levelRank(a))
          .map((l) => (
            <span key={l} class={`level-count level-${l}`} data-level={l}>
              <span class="n">{counts[l] ?? 0}</span> {tDynamic(`level_${l}`)}
            </span>
          ))}
      </div>
      {named.length > 0 && (
        <ul class="alarm-points">
          {named.map((a) => {
            const w = alarmWords(a, a.point_id ? session.points.get(a.site_id)?.get(a.point_id) : undefined, session.devices.get(a.site_id)?.get(a.device_id ?? ''));
            return (
              <li key={a.alarm_id} class={`level-${a.level}`} data-point-id={a.point_id ?? ''}>
                {w.what} · {w.where}
              </li>
            );
          })}
          {alarms.length > NAMED && <li class="more">{t('and_more', { n: alarms.length - NAMED })}</li>}
        </ul>
      )}
      {calibrating.length > 0 && (
        <ul class="calibrating" aria-label={t('calibrating')}>
          {calibrating.map((p) => (
            <li key={p.point_id} data-point-id={p.point_id}>
              {p.name ?? quantityName(p.quantity)} · {p.location} · {calibrationText(p)}
            </li>
          ))}
        </ul>
      )}
      <dl>
        <dt>{t('offline_devices')}</dt>
        <dd class={offline ? 'bad' : ''}>{offline === undefined ? '…' : `${offline} / ${devices.data?.length ?? 0}`}</dd>
        <dt>{t('points')}</dt>
        <dd>{site.points}</dd>
        <dt>{t('underground')}</dt>
        <dd class={readersDown ? 'people bad' : 'people'} data-known={hasPositioning && !readersDown && people.data ? 'yes' : 'no'}>
          {headcount}
        </dd>
        <dt>{t('online_rate')}</dt>
        <dd class={`online-rate${rate?.below_threshold ? ' below' : ''}`}>{rate ? percent(rate.online_rate) : '…'}</dd>
      </dl>
    </button>
  );
}
