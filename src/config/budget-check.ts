/**
 * The coal-mine time budgets a config must not break (issue 12; src/domain/coal-budgets.ts):
 * - a power_off limit whose delay_s would push the power-off past 2 s after the over-limit;
 * - a point whose watch cycle (cycle_s) or extra silence (tolerance_s) exceeds the 30 s maximum
 *   inspection cycle, so silence would go unseen for longer than the standard allows.
 */
import { COAL_MAX_CYCLE_S, POWER_OFF_BUDGET_S, POWER_OFF_COMMAND_ALLOWANCE_S } from '../domain/coal-budgets.js';
import type { Problem } from './problem.js';
import type { Config } from './schema.js';

const MAX_POWER_OFF_DELAY_S = POWER_OFF_BUDGET_S - POWER_OFF_COMMAND_ALLOWANCE_S;

export function checkCoalBudgets(config: Config): Problem[] {
  const problems: Problem[] = [];
  config.sites.forEach((site, i) => {
    if (site.kind !== 'coal_mine') return;
    site.points.forEach((p, j) => {
      const at = `sites[${i}].points[${j}]`;
      p.limits.forEach((l, k) => {
        if (l.action === 'power_off' && (l.delay_s ?? 0) > MAX_POWER_OFF_DELAY_S) {
          problems.push({
            path: `${at}.limits[${k}].delay_s`,
            message: `${l.delay_s} s is too long for a power_off limit on a coal mine: the power-off must follow the over-limit within ${POWER_OFF_BUDGET_S} s (AQ 6201 控制执行时间 ≤2 s), so delay_s may be at most ${MAX_POWER_OFF_DELAY_S}`,
          });
        }
      });
      for (const key of ['cycle_s', 'tolerance_s'] as const) {
        const v = p[key];
        if (v !== undefined && v > COAL_MAX_CYCLE_S)
          problems.push({ path: `${at}.${key}`, message: `${v} s exceeds the ${COAL_MAX_CYCLE_S} s maximum inspection cycle of a coal mine (AQ 6201-2019 §4.7.4 最大巡检周期 ≤30 s)` });
      }
    });
  });
  return problems;
}
