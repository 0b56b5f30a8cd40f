/** Devices of one site: online/offline, last seen, frames, decode errors, last error, transport. */
import { useSession } from '../live/context.js';
import { ageText, wallTime } from '../format/words.js';
import { useNow, usePoll } from '../live/hooks.js';
import { t } from '../format/i18n.js';
import { SitePicker } from '../parts/site-picker.js';
import { UplinksPanel } from '../parts/uplinks.js';

const POLL_MS = 5000;

export function DevicesView({ site, onSite }: { site: string; onSite(site_id: string): void }) {
  const { api } = useSession();
  const devices = usePoll(() => api.devices(site), POLL_MS, [site]);
  const now = useNow();
  return (
    <div class="devices-view">
      <SitePicker site={site} onSite={onSite} />
      {devices.error && <p class="error">{t('error_loading', { msg: devices.error })}</p>}
      <table class="devices">
        <thead>
          <tr>
            <th>{t('device')}</th>
            <th>{t('location')}</th>
            <th>{t('transport')}</th>
            <th>{t('status')}</th>
            <th>{t('last_seen')}</th>
            <th class="num">{t('frames')}</th>
            <th class="num">{t('decode_errors')}</th>
            <th class="num">{t('dead_letters')}</th>
            <th>{t('last_error')}</th>
          </tr>
        </thead>
        <tbody>
          {(devices.data ?? []).map((d) => (
            <tr key={d.device_id} class={d.online ? 'device online' : 'device offline'} data-device-id={d.device_id}>
              <td class="name">
                <span class="pid">{d.device_id}</span> {d.name ?? ''} {d.simulated && <span class="tag">{t('simulated')}</span>}
              </td>
              <td data-label={t('location')}>{d.location ?? ''}</td>
              <td data-label={t('transport')}>{d.transport.toUpperCase()}</td>
              <td>
                <span class={d.online ? 'badge ok' : 'badge bad'}>{d.online ? t('online') : t('offline')}</span>
              </td>
              <td data-label={t('last_seen')}>
                {wallTime(d.last_seen)} <span class="age">{d.last_seen ? ageText(d.last_seen, now) : ''}</span>
              </td>
              <td class="num" data-label={t('frames')}>
                {d.frames}
              </td>
              <td class={d.decode_errors > 0 ? 'num bad' : 'num'} data-label={t('decode_errors')}>
                {d.decode_errors}
              </td>
              <td class={d.dead_letters > 0 ? 'num bad' : 'num'} data-label={t('dead_letters')}>
                {d.dead_letters}
              </td>
              <td class="last-error" data-label={t('last_error')}>
                {d.last_error ? `${wallTime(d.last_error_at)} ${d.last_error}` : t('not_applicable')}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <UplinksPanel />
    </div>
  );
}
