/** The uplink panel's words (src/console/parts/uplinks.tsx): /readyz details.uplinks → rows. Pure. */
import type { WireUplinkState } from '../../domain/wire.js';
import { ageText } from './words.js';
import { t } from './i18n.js';

export interface UplinkRow {
  id: string;
  kind: string;
  target: string;
  connected: boolean;
  state: string;
  backlog: string;
  /** A back-log older than a minute is shown as a problem. */
  backlogBad: boolean;
  lastSuccess: string;
  lastError: string;
  mode: string;
}

/** Seconds as a rough span for a backlog's age: 45 s, 12 min, 3 h, 2 d (words.ts's durationText gives an alarm's exact duration). */
export function roughSpanText(s: number): string {
  if (s < 120) return t('span_s', { n: Math.round(s) });
  if (s < 7200) return t('span_m', { n: Math.round(s / 60) });
  if (s < 172_800) return t('span_h', { n: Math.round(s / 3600) });
  return t('span_d', { n: Math.round(s / 86_400) });
}

/** The panel's rows, in the order of the config (pure: unit-tested). */
export function uplinkRows(uplinks: Record<string, WireUplinkState> | undefined, now: number): UplinkRow[] {
  return Object.values(uplinks ?? {}).map((u) => ({
    id: u.uplink_id,
    kind: u.kind,
    target: u.target,
    connected: u.connected,
    state: u.connected ? t('uplink_connected') : t('uplink_disconnected'),
    backlog: u.backlog_rows === 0 ? t('uplink_backlog_none') : t('uplink_backlog', { n: u.backlog_rows, age: roughSpanText(u.backlog_age_s) }),
    backlogBad: u.backlog_rows > 0 && u.backlog_age_s >= 60,
    lastSuccess: ageText(u.last_success_at, now),
    lastError: u.last_error ? `${ageText(u.last_error_at, now)}: ${u.last_error}` : t('not_applicable'),
    mode: u.test_target ? t('uplink_test_target') : u.refused_simulated > 0 ? t('uplink_refused', { n: u.refused_simulated }) : '',
  }));
}
