/** Why a Modbus request failed, as the poller needs to know it (status bits, offline, retries). */
export type ModbusErrorKind =
  /** No answer within timeout_ms (dead slave, wrong unit id, broken line). */
  | 'timeout'
  /** The slave answered with a Modbus exception (illegal address, device failure…): station fault. */
  | 'exception'
  /** No connection to the bus (refused, lost, waiting for the next reconnect). */
  | 'disconnected'
  /** An answer that could not be used (CRC error, wrong length). */
  | 'corrupt';

export class ModbusRequestError extends Error {
  constructor(
    readonly kind: ModbusErrorKind,
    message: string,
    /** The Modbus exception code (1 illegal function, 2 illegal data address, 3 illegal data value, 4 device failure…). */
    readonly code?: number,
  ) {
    super(message);
    this.name = 'ModbusRequestError';
  }
}

/** Maps what modbus-serial rejects with onto a kind; `open` tells whether the port is still open. */
export function classify(err: unknown, open: boolean): ModbusRequestError {
  if (err instanceof ModbusRequestError) return err;
  const e = err as { message?: string; errno?: string; modbusCode?: number; name?: string };
  const message = e?.message ?? String(err);
  if (typeof e?.modbusCode === 'number') return new ModbusRequestError('exception', message, e.modbusCode);
  if (e?.errno === 'ETIMEDOUT' || message === 'Timed out') return new ModbusRequestError('timeout', 'no answer (timed out)');
  if (e?.name === 'PortNotOpenError' || !open) return new ModbusRequestError('disconnected', `not connected: ${message}`);
  return new ModbusRequestError('corrupt', message);
}
