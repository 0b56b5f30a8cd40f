/** Overview: per site the worst active level, active alarms by level, offline devices, people underground. */
import { type AlarmBook, isActive } from './alarm-book.js';
import { ApiFailure } from './api.js';
import { useSession } from './context.js';
import { LEVEL_ORDER, levelRank } from './format.js';
import { useBook, usePoll } from './hooks.js';
import { t, tDynamic } from './i18n.js';
import { useOnlineRate } from './online-rate.js';
import { percent } from './report-types.js';
import type { Site } from './types.js';

const POLL_MS = 10_000;
/** Sites that answered 404 on /personnel: they have no positioning, so they are not asked again. */
const noPersonnel = new Set<string>();

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
        const counts = Object.fromEntries(LEVEL_ORDER.map((l) => [l, 0])) as Record<string, number>;
        for (const a of active) if (a.site_id === s.site_id) counts[a.level] = (counts[a.level] ?? 0) + 1;
        const worst = [...LEVEL_ORDER].reverse().find((l) => (counts[l] ?? 0) > 0);
        return <SiteCard key={s.site_id} site={s} counts={counts} worst={worst} onOpen={() => onOpenSite(s.site_id)} />;
      })}
    </div>
  );
}

interface CardProps {
  site: Site;
  counts: Record<string, number>;
  worst: string | undefined;
  onOpen(): void;
}

function SiteCard({ site, counts, worst, onOpen }: CardProps) {
  const { api } = useSession();
  const devices = usePoll(() => api.devices(site.site_id), POLL_MS, [site.site_id]);
  // 404: the site has no personnel positioning; shown as "—".
  const people = usePoll(
    () =>
      noPersonnel.has(site.site_id)
        ? Promise.resolve(null)
        : api.personnel(site.site_id).catch((err: unknown) => {
            if (err instanceof ApiFailure && err.status === 404) noPersonnel.add(site.site_id);
            throw err;
          }),
    POLL_MS,
    [site.site_id],
  );
  const offline = devices.data?.filter((d) => !d.online).length;
  const rate = useOnlineRate(api.token, site.site_id);
  return (
    <button class={`site-card worst-${worst ?? 'none'}`} data-site-id={site.site_id} onClick={onOpen}>
      <h3>{site.name}</h3>
      <div class="worst">
        <span class="label">{t('worst_level')}</span>
        <span class="big">{worst ? tDynamic(`level_${worst}`) : t('no_alarm')}</span>
      </div>
      <div class="level-counts" title={t('active_alarms')}>
        {[...LEVEL_ORDER]
          .sort((a, b) => levelRank(b) - levelRank(a))
          .map((l) => (
            <span key={l} class={`level-count level-${l}`} data-level={l}>
              <span class="n">{counts[l] ?? 0}</span> {tDynamic(`level_${l}`)}
            </span>
          ))}
      </div>
      <dl>
        <dt>{t('offline_devices')}</dt>
        <dd class={offline ? 'bad' : ''}>{offline === undefined ? '…' : `${offline} / ${devices.data?.length ?? 0}`}</dd>
        <dt>{t('points')}</dt>
        <dd>{site.points}</dd>
        <dt>{t('underground')}</dt>
        <dd class="people">{people.data ? people.data.underground_count : t('not_applicable')}</dd>
        <dt>{t('online_rate')}</dt>
        <dd class={`online-rate${rate?.below_threshold ? ' below' : ''}`}>{rate ? percent(rate.online_rate) : '…'}</dd>
      </dl>
    </button>
  );
}
