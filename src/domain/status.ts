/**
 * Reading status bits (测点状态), as in the national networking data (CDSS `状态`):
 * ../shared/domain/standards.md §1.6. A reading may carry several bits at once.
 */
export const STATUS = {
  NORMAL: 0,
  ALARM: 1, // 报警
  POWER_OFF: 2, // 断电
  CALIBRATION: 4, // 标校
  OVER_RANGE: 8, // 超量程
  STATION_FAULT: 16, // 分站故障
  NOT_POLLED: 32, // 不巡检 / 断线
  PAUSED: 64, // 暂停
  SENSOR_FAULT: 128, // 传感器故障
} as const;

export const STATUS_MASK_ALL = 255;

/** Names of the bits set in `status`, lowest first (for logs and the console). */
export function statusNames(status: number): string[] {
  return Object.entries(STATUS)
    .filter(([, bit]) => bit !== 0 && (status & bit) === bit)
    .map(([name]) => name.toLowerCase());
}
