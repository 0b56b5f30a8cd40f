/**
 * The Modbus poller: every configured device is read once per `poll_interval_ms`, block by block,
 * through the queue of its bus (src/transport/modbus/bus.ts), and each cycle's outcome goes to
 * `onCycle` (src/pipeline.ts turns it into readings). A device that stops answering is tried less
 * often (every 2nd, 4th, 8th cycle, at most every 30 s) until it answers again, so a dead slave
 * does not eat the bus time of its neighbours; the cycles in between are reported as not polled.
 * Transitions (device not answering / answering again) are logged, single polls are not.
 */
import { busKeyOf } from '../../config/modbus-check.js';
import type { ModbusConfig } from '../../config/schema.js';
import type { RegisterImage, RegisterSpan, WritableTable } from '../../decode/modbus-profile.js';
import { emptyImage } from '../../decode/registers.js';
import { exponential } from '../../util/backoff.js';
import type { Logger } from '../../util/log.js';
import { planBlocks } from './blocks.js';
import { ModbusBus } from './bus.js';
import { ModbusRequestError } from './errors.js';

export interface PollTarget {
  site_id: string;
  device_id: string;
  modbus: ModbusConfig;
  /** The reads of one cycle (src/transport/modbus/blocks.ts planBlocks). */
  blocks: readonly RegisterSpan[];
  /** The spans the blocks were merged from: a block the slave refuses (exception 2) is split back into them. */
  spans?: readonly RegisterSpan[];
}

export interface BlockFailure {
  block: RegisterSpan;
  error: ModbusRequestError;
}

/** One cycle of one device. */
export interface PollCycle {
  site_id: string;
  device_id: string;
  /** When the answers were in (epoch ms): the frame's receive time, which becomes its readings' `ts` (a Modbus register holds no time). */
  at: number;
  image: RegisterImage;
  /** Blocks that were not read, with why; every block when the device was skipped (backoff). */
  failures: BlockFailure[];
  /** Cycles missed in a row so far, including this one when it failed (0 once it answered). */
  missed_cycles: number;
}

export interface DeviceCounters {
  cycles: number;
  failed_cycles: number;
  /** Cycles that finished after the next one was due, or were dropped because the last one still ran. */
  late_cycles: number;
  requests_failed: number;
  last_error: string | null;
}

interface DeviceState {
  target: PollTarget;
  /** The blocks read each cycle; starts as target.blocks, split where the slave refused a merged block. */
  blocks: RegisterSpan[];
  bus: ModbusBus;
  next_due: number;
  timer?: NodeJS.Timeout;
  running: boolean;
  missed: number;
  /** Cycles still to skip before the next attempt (backoff of a failing device). */
  skip: number;
  counters: DeviceCounters;
}

/** A failing device is tried at most every this long (and never less often than every 8th cycle). */
const MAX_BACKOFF_MS = 30_000;
const MAX_BACKOFF_CYCLES = 8;

export class ModbusPoller {
  readonly buses = new Map<string, ModbusBus>();
  private readonly devices = new Map<string, DeviceState>();
  private stopped = false;

  constructor(
    targets: readonly PollTarget[],
    private readonly onCycle: (cycle: PollCycle) => void,
    private readonly log: Logger,
  ) {
    const perBus = new Map<string, number>();
    for (const t of targets) {
      const key = busKeyOf(t.modbus);
      if (!this.buses.has(key)) this.buses.set(key, new ModbusBus(key, t.modbus, log.child({ bus: key })));
      const nth = perBus.get(key) ?? 0;
      perBus.set(key, nth + 1);
      this.devices.set(deviceKey(t.site_id, t.device_id), {
        target: t,
        blocks: [...t.blocks],
        bus: this.buses.get(key) as ModbusBus,
        // spread the devices of a bus over the cycle rather than queueing them all at once
        next_due: Date.now() + ((nth * 37) % 100) * (t.modbus.poll_interval_ms / 100),
        running: false,
        missed: 0,
        skip: 0,
        counters: { cycles: 0, failed_cycles: 0, late_cycles: 0, requests_failed: 0, last_error: null },
      });
    }
  }

  /** Starts the cycles; devices without blocks (no mapped channel) are only written to, never polled. */
  start(): void {
    for (const d of this.devices.values()) if (d.blocks.length > 0) this.schedule(d);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const d of this.devices.values()) clearTimeout(d.timer);
    await Promise.all([...this.buses.values()].map((b) => b.stop()));
  }

  /** All devices' counters summed (metrics). */
  totals(): DeviceCounters {
    const t: DeviceCounters = { cycles: 0, failed_cycles: 0, late_cycles: 0, requests_failed: 0, last_error: null };
    for (const { counters: c } of this.devices.values()) {
      t.cycles += c.cycles;
      t.failed_cycles += c.failed_cycles;
      t.late_cycles += c.late_cycles;
      t.requests_failed += c.requests_failed;
    }
    return t;
  }

  counters(site_id: string, device_id: string): DeviceCounters | undefined {
    return this.devices.get(deviceKey(site_id, device_id))?.counters;
  }

  /** Writes one coil or holding register of a device through its bus queue (ahead of reads). */
  write(site_id: string, device_id: string, table: WritableTable, address: number, value: number): Promise<void> {
    const d = this.devices.get(deviceKey(site_id, device_id));
    if (!d) return Promise.reject(new Error(`no Modbus device ${device_id} in site ${site_id}`));
    const m = d.target.modbus;
    return d.bus.write(table, address, value, { unit_id: m.unit_id, timeout_ms: m.timeout_ms, retries: m.retries });
  }

  private schedule(d: DeviceState): void {
    if (this.stopped) return;
    d.timer = setTimeout(() => this.tick(d), Math.max(0, d.next_due - Date.now()));
  }

  private tick(d: DeviceState): void {
    const interval = d.target.modbus.poll_interval_ms;
    const due = d.next_due;
    d.next_due += interval;
    const now = Date.now();
    if (now >= d.next_due) {
      // the event loop or the bus fell a whole cycle behind: count the cycles that never ran
      const behind = Math.floor((now - due) / interval);
      d.counters.late_cycles += behind;
      d.next_due = due + (behind + 1) * interval;
    }
    this.schedule(d);
    if (d.running) {
      d.counters.late_cycles++; // the previous cycle still waits for the bus
      return;
    }
    void this.cycle(d, d.next_due);
  }

  private async cycle(d: DeviceState, nextDue: number): Promise<void> {
    d.running = true;
    d.counters.cycles++;
    try {
      const attempted = d.skip === 0;
      const { image, failures } = attempted ? await this.readAll(d) : this.skipped(d);
      const answered = attempted && (failures.every((f) => f.error.kind === 'exception') || failures.length < d.blocks.length);
      this.account(d, attempted, answered, failures);
      if (Date.now() > nextDue) d.counters.late_cycles++;
      if (!this.stopped) this.onCycle({ site_id: d.target.site_id, device_id: d.target.device_id, at: Date.now(), image, failures, missed_cycles: d.missed });
    } catch (err) {
      this.log.error({ site_id: d.target.site_id, device_id: d.target.device_id, err: (err as Error).message }, 'modbus cycle failed');
    } finally {
      d.running = false;
    }
  }

  private skipped(d: DeviceState): { image: RegisterImage; failures: BlockFailure[] } {
    d.skip--;
    const error = new ModbusRequestError('timeout', `not polled this cycle: the device did not answer the last ${d.missed} cycles (${d.counters.last_error ?? 'no answer'})`);
    return { image: emptyImage(), failures: d.blocks.map((block) => ({ block, error })) };
  }

  /** Reads the blocks in turn; after a timeout or a lost connection the rest of the cycle is given up. */
  private async readAll(d: DeviceState): Promise<{ image: RegisterImage; failures: BlockFailure[] }> {
    const image = emptyImage();
    const failures: BlockFailure[] = [];
    const m = d.target.modbus;
    let fatal: ModbusRequestError | undefined;
    for (let i = 0; i < d.blocks.length; i++) {
      const block = d.blocks[i] as RegisterSpan;
      if (fatal || this.stopped) {
        failures.push({ block, error: fatal ?? new ModbusRequestError('disconnected', 'gateway stopping') });
        continue;
      }
      try {
        const values = await d.bus.read(block, { unit_id: m.unit_id, timeout_ms: m.timeout_ms, retries: m.retries });
        const table = image[block.table];
        values.forEach((v, i) => table.set(block.address + i, v));
      } catch (err) {
        const error = err instanceof ModbusRequestError ? err : new ModbusRequestError('corrupt', (err as Error).message);
        if (this.split(d, i, error)) {
          i--; // read the parts in this cycle
          continue;
        }
        failures.push({ block, error });
        d.counters.requests_failed++;
        if (error.kind === 'timeout' || error.kind === 'disconnected') fatal = error;
      }
    }
    return { image, failures };
  }

  /**
   * A merged block refused with exception 2 (illegal data address) probably spans registers the
   * device does not implement (gap merging): it is replaced by its spans, merged only where they
   * touch, from now on. Returns true when it split the block.
   */
  private split(d: DeviceState, i: number, error: ModbusRequestError): boolean {
    const block = d.blocks[i] as RegisterSpan;
    if (error.kind !== 'exception' || error.code !== 2 || !d.target.spans) return false;
    const inside = d.target.spans.filter((s) => s.table === block.table && s.address >= block.address && s.address + s.count <= block.address + block.count);
    const parts = planBlocks(inside, 0);
    if (parts.length < 2) return false;
    d.blocks.splice(i, 1, ...parts);
    this.log.info(
      { site_id: d.target.site_id, device_id: d.target.device_id, block: `${block.table} ${block.address}+${block.count}`, parts: parts.length },
      'modbus block refused (illegal data address): reading its parts separately',
    );
    return true;
  }

  private account(d: DeviceState, attempted: boolean, answered: boolean, failures: BlockFailure[]): void {
    const { site_id, device_id } = d.target;
    if (failures.length && attempted) d.counters.last_error = failures[0]?.error.message ?? null;
    if (answered) {
      if (d.missed > 0) this.log.info({ site_id, device_id, missed_cycles: d.missed }, 'modbus device answering again');
      d.missed = 0;
      d.skip = 0;
      return;
    }
    d.counters.failed_cycles++;
    d.missed++;
    if (d.missed === 1) this.log.warn({ site_id, device_id, err: d.counters.last_error }, 'modbus device not answering');
    const offlineAfter = d.target.modbus.offline_after_cycles;
    if (attempted && d.missed >= offlineAfter) {
      const interval = d.target.modbus.poll_interval_ms;
      const cap = Math.max(1, Math.min(MAX_BACKOFF_CYCLES, Math.floor(MAX_BACKOFF_MS / interval)));
      d.skip = exponential(d.missed - offlineAfter + 1, 1, cap) - 1; // skip 1, 3, 7 … cycles
    }
  }
}

const deviceKey = (site_id: string, device_id: string): string => `${site_id}\u0000${device_id}`;
