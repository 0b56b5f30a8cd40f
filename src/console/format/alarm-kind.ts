/**
 * How loud and how high an alarm ranks, and the label a KJ host gives it: the power-off chain
 * (断电, 馈电异常, and a limit whose action is power_off) above every plain level; on coal-mine
 * sites the labels 报警 / 断电 / 馈电异常 / 复电, elsewhere the colour grades.
 */
import { levelRank } from '../../domain/alarm-words.js';
import { type Key, t, tDynamic } from './i18n.js';
import type { Pattern } from '../live/sound.js';
import type { Alarm } from '../types.js';

export const isPowerOffChain = (a: Alarm): boolean => a.type === 'power_off' || a.type === 'feed_abnormal' || a.limit?.action === 'power_off';

/** Higher is more severe: power-off chain first, then red … blue. */
export const severity = (a: Alarm): number => (isPowerOffChain(a) ? 10 : 0) + levelRank(a.level);

export const soundPattern = (a: Alarm): Pattern => (isPowerOffChain(a) ? 'power_off' : a.level);

/** The loudest pattern among alarms still sounding (active and unacknowledged), or undefined. */
export function loudest(alarms: readonly Alarm[]): Pattern | undefined {
  let worst: Alarm | undefined;
  for (const a of alarms) if (a.state === 'active_unacked' && (!worst || severity(a) > severity(worst))) worst = a;
  return worst && soundPattern(worst);
}

/** The tag of an alarm card: KJ words on a coal mine (报警, 断电, 馈电异常, 复电 once cleared), else the level's colour. */
export function alarmTag(a: Alarm, siteKind: string | undefined): string {
  if (siteKind !== 'coal_mine') return tDynamic(`level_${a.level}`);
  const cleared = a.state.startsWith('cleared');
  if (a.type === 'power_off' || a.limit?.action === 'power_off') return cleared ? t('kj_restore') : t('status_2');
  if (a.type === 'feed_abnormal') return t('type_feed_abnormal');
  if (a.type === 'over_limit') return t('status_1');
  return tDynamic(`type_${a.type}` as Key);
}
