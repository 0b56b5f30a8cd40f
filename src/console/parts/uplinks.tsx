/**
 * The networking uplinks (联网上传, issue 17) in a compact panel under the devices: for each
 * configured uplink whether it is connected, its back-log (messages or files waiting, and how old
 * the oldest is), its last success and last error, whether it is a test target and how much
 * simulated data it left out. From `GET /readyz` (`details.uplinks`), polled.
 */
import { useSession } from '../live/context.js';
import { useNow, usePoll } from '../live/hooks.js';
import { t } from '../format/i18n.js';
import type { WireUplinkState } from '../../domain/wire.js';
import { uplinkRows } from '../format/uplink-rows.js';

const POLL_MS = 5000;

async function readiness(): Promise<{ details?: { uplinks?: Record<string, WireUplinkState> } }> {
  const res = await fetch('/readyz', { cache: 'no-store' }); // 503 while a component fails: its body still names each state
  return (await res.json()) as { details?: { uplinks?: Record<string, WireUplinkState> } };
}

export function UplinksPanel() {
  useSession(); // signed in: the panel shows with the console only
  const ready = usePoll(readiness, POLL_MS, []);
  const now = useNow();
  const rows = uplinkRows(ready.data?.details?.uplinks, now);
  if (!rows.length) return null; // no uplink configured
  return (
    <section class="uplinks" aria-label={t('uplinks_title')}>
      <h3>{t('uplinks_title')}</h3>
      <table class="devices uplinks">
        <thead>
          <tr>
            <th>{t('uplink')}</th>
            <th>{t('status')}</th>
            <th>{t('uplink_backlog_head')}</th>
            <th>{t('uplink_last_success')}</th>
            <th>{t('last_error')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id} class={r.connected ? 'uplink online' : 'uplink offline'} data-uplink-id={r.id}>
              <td class="name">
                <span class="pid">{r.id}</span> {r.kind} <span class="age">{r.target}</span> {r.mode && <span class="tag">{r.mode}</span>}
              </td>
              <td>
                <span class={r.connected ? 'badge ok' : 'badge bad'}>{r.state}</span>
              </td>
              <td class={r.backlogBad ? 'num bad' : 'num'} data-label={t('uplink_backlog_head')}>
                {r.backlog}
              </td>
              <td data-label={t('uplink_last_success')}>{r.lastSuccess}</td>
              <td class="last-error" data-label={t('last_error')}>
                {r.lastError}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
