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
  // Gateway flag beyond the national 8 bits: a back-filled reading (补传), stored but never judged
  // live (CONTRACT §2). Exporters carry it in their own back-fill marker (MEM reportType=continues).
  BACKFILL: 256,
  // Gateway flag: a simulated reading (a device the config marks `simulated`, a simulator's
  // message, a slave the gateway started), never sent upward as real (src/ingest/simulated.ts).
  SIMULATED: 512,
} as const;

/** The national status bits (CDSS 状态), the ones a device or a profile may set. */
export const STATUS_MASK_ALL = 255;

/** Bits the gateway itself derives from its alarm state, calibration windows and reading order. */
export const GATEWAY_BITS = STATUS.ALARM | STATUS.POWER_OFF | STATUS.CALIBRATION | STATUS.BACKFILL | STATUS.SIMULATED;

/** Names of the bits set in `status`, lowest first (for logs and the console). */
export function statusNames(status: number): string[] {
  return Object.entries(STATUS)
    .filter(([, bit]) => bit !== 0 && (status & bit) === bit)
    .map(([name]) => name.toLowerCase());
}
