/**
 * The ingest flow: every device message and poll cycle takes the same path.
 *
 *   decode (uplink.ts / modbus-poll.ts) ─▶ sort out (reading-order.ts: new, late, redelivery,
 *   conflict) ─▶ judge (the alarm desk, once per batch) ─▶ actuate (power-off commands at once)
 *   ─▶ group commit (write-batcher.ts; a QoS 1 PUBACK waits for it)
 *
 * Only new readings are judged live; back-filled ones are stored marked 补传 and judged apart for
 * historical alarms; redeliveries are absorbed; conflicts become duplicate_timestamp dead letters.
 */
import type { Desk, PointReading } from '../alarms/desk.js';
import type { OutputCommand } from '../alarms/linkage.js';
import { STATUS } from '../domain/status.js';
import type { AlarmEvent } from '../domain/types.js';
import { PersonnelService } from '../personnel/service.js';
import { duplicateLetter } from '../store/duplicate-letter.js';
import type { Batch } from '../domain/store.js';
import type { Reading } from '../domain/types.js';
import type { WriteBatcher } from '../store/write-batcher.js';
import type { UplinkMessage } from '../transport/mqtt/broker.js';
import type { PollCycle } from '../transport/modbus/poller.js';
import type { Logger } from '../util/log.js';
import type { LatestValues } from './latest.js';
import { type ModbusDevicePlan, decodePoll } from './modbus-poll.js';
import type { Found, ReadingOrder } from './reading-order.js';
import { type DeviceBatch, type UplinkDeps, decodeUplink } from './uplink.js';

/** Poll results are committed together within this window (no acknowledgement waits on them; AQ 6201 allows ≤ 40 s of loss on failure, standards.md §1.5). */
const POLL_COMMIT_MS = 25;

export interface FlowDeps extends UplinkDeps {
  desk: Desk;
  order: ReadingOrder;
  latest: LatestValues;
  batcher: WriteBatcher;
  actuate(commands: readonly OutputCommand[]): void;
  modbusPlan(site_id: string, device_id: string): ModbusDevicePlan | undefined;
  log: Logger;
}

type Done = (err?: Error) => void;
type Sightings = Parameters<Desk['judge']>[0]['sightings'];

export class IngestFlow {
  /** Messages waiting for a store look-up (reading-order.ts), and every message after them: judged in arrival order. */
  private tail: Promise<void> | undefined;

  constructor(private readonly deps: FlowDeps) {}

  /**
   * Runs `work` now when nothing waits and the reading order needs no store look-up (the usual
   * case: no await on the hot path), else after what waits, with the stored readings it needs.
   */
  private inOrder(readings: readonly Reading[], work: (found?: Found) => void, done: Done): void {
    if (!this.tail) {
      const found = this.deps.order.lookup(readings);
      if (!found) return work();
      return this.chain(found.then(work), done);
    }
    this.chain(this.tail.then(() => this.deps.order.lookup(readings)).then(work), done);
  }

  private chain(step: Promise<void>, done: Done): void {
    const mine = step.catch((err: Error) => done(err)); // the store could not be read: not acknowledged, the device sends it again
    this.tail = mine;
    void mine.then(() => {
      if (this.tail === mine) this.tail = undefined;
    });
  }

  /** A hot reload's new alarm desk judges from the next reading on. */
  reconfigure(desk: Desk): void {
    this.deps.desk = desk;
  }

  /** One MQTT device publish (`up` or `state`); `done` once it is durably stored. */
  uplink(msg: UplinkMessage, done: Done): void {
    const { site_id, device_id, kind } = msg.topic;
    if (kind === 'state') return this.deviceState(site_id, device_id, msg.payload.toString('utf8').trim() === 'online', msg.at, done);
    const unit = decodeUplink(this.deps, msg);
    if (msg.redelivery) unit.deadLetters = []; // the first delivery kept them
    const events = unit.decoded ? this.deps.desk.parts.devices.answered(site_id, device_id, msg.at) : [];
    const device = this.deps.index.device(site_id, device_id);
    const sightings = unit.decoded && !msg.redelivery ? PersonnelService.sightings(device ? this.deps.profiles.get(device.profile) : undefined, msg.payload, msg.at) : [];
    this.settle(unit, events, sightings, msg.at, done, 0);
  }

  /** One Modbus poll cycle: the same path, plus the device's offline alarm. */
  poll(cycle: PollCycle): void {
    const { site_id, device_id, at } = cycle;
    const device = this.deps.modbusPlan(site_id, device_id);
    if (!device) return;
    const unit = decodePoll(this.deps, device.plan, cycle, device.simulated);
    const offlineAfter = device.target.modbus.offline_after_cycles;
    const events = this.deps.desk.parts.devices.polled(site_id, device_id, cycle.missed_cycles, offlineAfter, at);
    if (cycle.missed_cycles >= offlineAfter && this.deps.status.setOnline(site_id, device_id, false, at)) {
      this.deps.log.warn({ component: 'modbus', site_id, device_id, missed_cycles: cycle.missed_cycles }, 'modbus device offline');
    }
    this.settle(unit, events, [], at, () => {}, POLL_COMMIT_MS); // no acknowledgement waits on a poll
  }

  /** An MQTT device's `state` topic: `offline` (its will) raises a device offline alarm, `online` clears it. */
  private deviceState(site_id: string, device_id: string, online: boolean, at: number, done: Done): void {
    if (this.deps.status.setOnline(site_id, device_id, online, at)) this.deps.log.info({ component: 'mqtt', site_id, device_id }, online ? 'device online' : 'device offline');
    this.inOrder(
      [],
      () => {
        const events = this.deps.index.device(site_id, device_id) ? this.deps.desk.parts.devices.stateChanged(site_id, device_id, online, at) : [];
        this.deps.batcher.add({ readings: [], alarms: [], events, deadLetters: [] }, done);
      },
      done,
    );
  }

  /** The shared tail: sort out, judge, actuate, commit. */
  private settle(unit: DeviceBatch, events: AlarmEvent[], sightings: Sightings, at: number, done: Done, maxWaitMs: number): void {
    this.inOrder(
      unit.readings.map((pr) => pr.reading),
      (found) => this.judge(unit, events, sightings, at, done, maxWaitMs, found),
      done,
    );
  }

  private judge(unit: DeviceBatch, events: AlarmEvent[], sightings: Sightings, at: number, done: Done, maxWaitMs: number, found?: Found): void {
    const { order, desk, metrics } = this.deps;
    const batch: Batch = { readings: [], alarms: [], events, deadLetters: unit.deadLetters };
    const live: PointReading[] = [];
    const late: PointReading[] = [];
    // in time order, so that readings going backwards within one payload are judged oldest first
    const sorted = unit.readings.length > 1 ? [...unit.readings].sort((a, b) => a.reading.ts - b.reading.ts) : unit.readings;
    for (const pr of sorted) {
      const arrival = order.classify(pr.reading, found);
      if (arrival.kind === 'new') live.push(pr);
      else if (arrival.kind === 'late') (pr.reading.status |= STATUS.BACKFILL), late.push(pr);
      else if (arrival.kind === 'redelivery') metrics.redeliveries.inc();
      else this.refuse(batch, pr, arrival.stored, at);
    }
    // derived points (freeboard, dry-beach length, rain windows) follow their source readings
    live.push(...desk.derive(live));
    late.push(...desk.derive(late, true));
    const judged = desk.judge({ site_id: unit.site_id, live, late, sightings, at });
    this.deps.actuate(judged.commands); // at once, before the store commit (AQ 6201: cut-off ≤ 2 s)
    for (const pr of live) this.deps.latest.update(pr.reading);
    for (const pr of live) batch.readings.push(pr.reading);
    for (const pr of late) batch.readings.push(pr.reading);
    batch.events.push(...judged.events);
    batch.alarms.push(...judged.updated);
    metrics.readings.inc(batch.readings.length);
    metrics.backfilled.inc(late.length);
    this.deps.batcher.add(batch, done, maxWaitMs);
  }

  private refuse(batch: Batch, pr: PointReading, stored: { ts: number; value: number | null; status: number }, at: number): void {
    const letter = duplicateLetter(pr.reading, stored, pr.point.device_id, at);
    batch.deadLetters.push(letter);
    this.deps.metrics.deadLetters.inc({ code: letter.code });
    this.deps.status.error(pr.reading.site_id, pr.point.device_id, at, letter.reason, 'dead_letter');
  }
}
