/**
 * The time budgets of a coal mine's monitoring system (standards.md §1.5, confidence B: AQ 6201-2019
 * as quoted): the config refuses what would break them (src/config/budget-check.ts).
 */

/** 最大巡检周期 ≤ 30 s (AQ 6201-2019 §4.7.4). */
export const COAL_MAX_CYCLE_S = 30;

/** 甲烷超限断电及甲烷风电闭锁的控制执行时间 ≤ 2 s (AQ 6201-2019, GB 50581). */
export const POWER_OFF_BUDGET_S = 2;

/**
 * Kept out of that budget for the command itself: the MQTT `down` publish or Modbus write and the
 * relay's operate time. A power_off limit's delay_s may use the rest.
 */
export const POWER_OFF_COMMAND_ALLOWANCE_S = 0.5;
