/** The console's words for alarms and readings (src/console/format/words.ts). */
import { describe, expect, it } from 'vitest';
import { consoleAlarm } from '../../../helpers/console-alarm.js';
import { alarmWords, statusWords, valueText } from '../../../../src/console/format/words.js';
import { setLang } from '../../../../src/console/format/i18n.js';
import type { Point } from '../../../../src/console/types.js';

(globalThis as { document?: unknown }).document ??= { documentElement: {} };

const corner: Point = {
  point_id: 'ch4-corner',
  name: null,
  device_id: 'kj-sub-01',
  channel: 'ch4_corner',
  quantity: 'ch4',
  unit: '%CH4',
  kind: 'analog',
  location: '采煤工作面上隅角',
  last: null,
  limits: [
    { direction: 'high', set: 1.0, clear: 1.0, level: 'yellow' },
    { direction: 'high', set: 1.5, clear: 1.0, level: 'red', action: 'power_off' },
  ],
};
const alarm = consoleAlarm;

describe('console words', () => {
  it('says an alarm as type · place · value against its limit, in Chinese and English', () => {
    setLang('zh');
    expect(alarmWords(alarm({}), corner)).toEqual({ what: '甲烷超限', where: '采煤工作面上隅角', detail: '1.62 %CH4 ≥ 1.50' });
    expect(alarmWords(alarm({ type: 'power_off' }), corner).what).toBe('甲烷超限断电');
    expect(alarmWords(alarm({ limit: { direction: 'low', set: 20, clear: 20, level: 'orange' }, value: 19.4 }), { ...corner, quantity: 'o2', unit: '%VOL' })).toMatchObject({
      what: '氧气低于下限',
      detail: '19.4 %VOL ≤ 20.0',
    });
    expect(alarmWords(alarm({ state: 'cleared_acked', value: 0.3, max_value: 1.71 }), corner).detail).toBe('峰值 1.71 %CH4 ≥ 1.50');
    setLang('en');
    expect(alarmWords(alarm({}), corner).what).toBe('Methane over limit');
    setLang('zh');
  });

  it('names every status bit and never shows a missing value as 0', () => {
    expect(statusWords(0)).toEqual(['正常']);
    expect(statusWords(1 | 2)).toEqual(['报警', '断电']);
    expect(statusWords(4 | 32 | 128)).toEqual(['标校', '断线', '传感器故障']);
    expect(valueText(null)).toBe('无数据');
    expect(valueText(0)).toBe('0.00');
  });
});
