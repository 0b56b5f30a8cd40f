/** The AQ 1029 断电范围 of coal presets and the edition presets (src/alarms/power-off-scope.ts; standards.md §1.2, §7 item 2). */
import { describe, expect, it } from 'vitest';
import { powerOffScope } from '../../../src/alarms/power-off-scope.js';
import { buildPresetLimits, presetById } from '../../../src/domain/presets/index.js';

describe('coal: 断电范围, outburst presets, editions', () => {
  it('the AQ 1029 rows carry their 断电范围; the point shows it with the CDDY relation', () => {
    expect(presetById.get('aq1029/coal-face')?.scope).toBe('工作面及其回风巷内全部非本质安全型电气设备');
    expect(presetById.get('aq1029/outburst-face')?.scope).toBe('工作面及其进、回风巷内全部非本质安全型电气设备');
    expect(powerOffScope({ preset: 'aq1029/coal-face', linkage: { outputs: [{ device_id: 'kj', output: 'face-power' }], feed_point: 'feed-face', feed_confirm_s: 10 } })).toEqual({
      outputs: [{ device_id: 'kj', output: 'face-power' }],
      text: '工作面及其回风巷内全部非本质安全型电气设备',
      relation: 'D-feed-face',
    });
    expect(powerOffScope({ linkage: { outputs: [{ device_id: 'kj' }], feed_confirm_s: 10, scope: '采煤机电源' } })?.text).toBe('采煤机电源');
    expect(powerOffScope({})).toBeUndefined();
  });

  it('outburst-mine intake: 0.5 / 0.5 / <0.5 %CH4; editions: 2019 = current, 2007 keeps the deleted 专用排瓦斯巷 rows', () => {
    const brief = (id: string) =>
      (buildPresetLimits(presetById.get(id)!) as { limits: { set: number; clear: number; action?: string }[] }).limits.map((l) => `${l.set}/${l.clear}${l.action ? ` ${l.action}` : ''}`);
    expect(brief('aq1029/outburst-intake')).toEqual(['0.5/0.5', '0.5/0.5 power_off']);
    expect(brief('aq1029-2019/coal-face')).toEqual(brief('aq1029/coal-face'));
    expect(presetById.get('aq1029-2019/drainage-roadway')).toBeUndefined();
    expect(brief('aq1029-2007/drainage-roadway')).toEqual(['2.5/2.5', '2.5/2.5 power_off']);
    expect(presetById.get('aq1029-2007/drainage-roadway')?.edition).toBe('AQ 1029-2007');
    expect(brief('aq1029-2007/drainage-mixed-return')).toEqual(['1/1', '1/1 power_off']);
  });
});
