/**
 * A simulated Modbus slave: one endpoint (a TCP port, or one end of a serial line) serving one or
 * more units (slave addresses), each a register image encoded from its device profile
 * (encodeImage, the inverse of the gateway's decode). Framings: Modbus TCP (MBAP), RTU over TCP,
 * and RTU on a serial device path (e.g. one end of `socat pty,raw,echo=0 pty,raw,echo=0`).
 * Started by simulators/modbus-run.ts (`npm start`, `anjian simulate`) and by tests.
 *
 * Registers a profile does not map read 0 between its lowest and highest address of a table
 * (reserved registers; `gaps: 'exception'` makes them exception 2), beyond that exception 2.
 * Until the first update() every channel reads as not connected (its state word says 32, or its
 * value register holds a fault code); setRegisters() serves fixed words instead, e.g. a
 * datasheet's example.
 *
 * An output with a `feedback` channel drives it: once a client switches the output to power_off,
 * that channel reads 0 (the feed sensor sees the cut), as on a real installation.
 *
 * Test knobs: `silent` (accept connections and requests, never answer), `response_delay_ms`,
 * close() then listen(port) again on the same port, `stats` (requests seen, the most requests
 * outstanding at once), and `writes` (every write a client made, e.g. a power-off coil).
 *
 * A request for a unit id the endpoint does not serve gets exception 11 (gateway target failed to
 * respond) over MBAP, and no answer on RTU (no device at that address on the line); unit id 0 on
 * RTU is a broadcast: writes go to every unit, nobody answers (Modbus over Serial Line §2.2).
 * Its data is simulated: every log line says so, and it must never be wired to a real site.
 */
import { openSync, constants as fsConstants } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { ReadStream, WriteStream } from 'node:tty';
import type { ModbusProfile, ModbusProfileExample, RegisterImage } from '../src/decode/modbus-profile.js';
import type { ModbusMode } from '../src/domain/modbus-words.js';
import type { DeviceSample } from '../src/decode/profile.js';
import { emptyImage, encodeImage } from '../src/decode/registers.js';
import { type FrameParser, mbapParser, type Request, rtuParser } from './modbus-frames.js';
import { type AppliedWrite, handlePdu } from './modbus-pdu.js';

/** The config's `modbus.mode` words (src/domain/modbus-words.ts): 'tcp' (MBAP), 'rtu_over_tcp', 'rtu' (a serial path). */
export type SlaveFraming = ModbusMode;

export interface SlaveUnit {
  readonly unit_id: number;
  readonly profile?: ModbusProfile;
  readonly image: RegisterImage;
  /** The sample the registers were last encoded from. */
  sample?: DeviceSample;
}

export interface WriteRecord extends AppliedWrite {
  unit_id: number;
  at: number;
}

export interface SlaveStats {
  requests: number;
  responses: number;
  exceptions: number;
  bad_frames: number;
  /** Requests received and not yet answered (answers wait `response_delay_ms`). */
  outstanding: number;
  max_outstanding: number;
}

export interface ModbusSlaveOptions {
  framing?: SlaveFraming;
  /** Interface to listen on (TCP framings); default 127.0.0.1. */
  host?: string;
  response_delay_ms?: number;
  silent?: boolean;
  /**
   * Registers between the lowest and the highest address a profile maps in one table: 'zero'
   * (default) reads them as 0, as most devices answer for reserved registers, so a poller may
   * merge reads across them; 'exception' answers exception 2 there too. Beyond: always exception 2.
   */
  gaps?: 'zero' | 'exception';
  /** Silence that ends a partial RTU frame, ms (default 50). */
  frame_gap_ms?: number;
  /** Name for log lines, e.g. `site/device`. */
  name?: string;
  log?: (msg: string) => void;
}

interface Link {
  write(frame: Buffer): void;
  close(): void;
}

export class ModbusSlave {
  silent: boolean;
  response_delay_ms: number;
  readonly stats: SlaveStats = { requests: 0, responses: 0, exceptions: 0, bad_frames: 0, outstanding: 0, max_outstanding: 0 };
  readonly writes: WriteRecord[] = [];
  readonly units = new Map<number, SlaveUnit>();
  readonly framing: SlaveFraming;
  port?: number;
  private server?: Server;
  private readonly links = new Set<Link>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly log: (msg: string) => void;

  constructor(private readonly opts: ModbusSlaveOptions = {}) {
    this.framing = opts.framing ?? 'tcp';
    this.silent = opts.silent ?? false;
    this.response_delay_ms = opts.response_delay_ms ?? 0;
    this.log = opts.log ?? (() => undefined);
  }

  /** Serves `profile` as unit `unit_id`; its outputs (relays, valves) start in their power_on state. */
  addUnit(unit_id: number, profile?: ModbusProfile): SlaveUnit {
    if (!Number.isInteger(unit_id) || unit_id < 1 || unit_id > 247) throw new RangeError(`unit id ${unit_id} is not 1…247`);
    if (this.units.has(unit_id)) throw new Error(`unit id ${unit_id} is already served by this slave`);
    const unit: SlaveUnit = { unit_id, profile, image: emptyImage() };
    if (profile) {
      const encoded = encodeImage(profile, { ts: 0, values: {} }); // every channel register, as "not connected"
      for (const out of Object.values(profile.outputs ?? {})) encoded[out.table].set(out.address, out.power_on);
      for (const table of Object.keys(encoded) as (keyof RegisterImage)[]) {
        const addresses = [...encoded[table].keys()];
        if ((this.opts.gaps ?? 'zero') === 'zero' && addresses.length) {
          for (let a = Math.min(...addresses); a <= Math.max(...addresses); a++) unit.image[table].set(a, 0);
        }
        for (const [a, v] of encoded[table]) unit.image[table].set(a, v);
      }
    }
    this.units.set(unit_id, unit);
    return unit;
  }

  /**
   * Encodes `sample` into the unit's registers; outputs keep what clients wrote, and the feedback
   * channel of an output at power_off reads 0 (feed lost, valve closed) whatever the sample says.
   */
  update(unit_id: number, sample: DeviceSample): void {
    const unit = this.units.get(unit_id);
    if (!unit?.profile) throw new Error(`unit ${unit_id} has no profile to encode a sample with`);
    const values = { ...sample.values };
    for (const out of Object.values(unit.profile.outputs ?? {})) {
      if (out.feedback && unit.image[out.table].get(out.address) === out.power_off) values[out.feedback] = 0;
    }
    const encoded = encodeImage(unit.profile, { ...sample, values });
    for (const table of Object.keys(encoded) as (keyof RegisterImage)[]) {
      for (const [address, value] of encoded[table]) unit.image[table].set(address, value);
    }
    unit.sample = sample;
  }

  /**
   * Serves fixed registers (as an example's `registers` gives them: table → { address: word or
   * bit }) on top of what the unit's profile encodes; they stay until a later update() or
   * setRegisters() writes the same addresses. Without a profile, a unit serves only these.
   */
  setRegisters(unit_id: number, registers: ModbusProfileExample['registers']): void {
    const unit = this.units.get(unit_id);
    if (!unit) throw new Error(`unit ${unit_id} is not served by this slave (addUnit first)`);
    for (const [table, values] of Object.entries(registers) as [keyof RegisterImage, Readonly<Record<number, number>>][]) {
      for (const [address, value] of Object.entries(values)) unit.image[table].set(Number(address), value);
    }
  }

  /** Listens on a TCP port (0 = a free one); resolves with the port. */
  async listen(port = 0): Promise<number> {
    if (this.framing === 'rtu') throw new Error('an RTU serial slave opens a device path: use open(path)');
    const server = createServer((socket) => this.accept(socket));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.opts.host ?? '127.0.0.1', () => (server.off('error', reject), resolve()));
    });
    server.on('error', (err) => this.log(`${this.label()}: ${err.message}`));
    const address = server.address();
    this.port = typeof address === 'object' && address ? address.port : port;
    this.log(`${this.label()}: SIMULATED Modbus slave (${this.framing}) listening on ${this.opts.host ?? '127.0.0.1'}:${this.port}, units ${[...this.units.keys()].join(', ')}`);
    return this.port;
  }

  /** Opens a serial device path (a tty, e.g. a socat pty) and serves RTU frames on it. */
  async open(path: string): Promise<void> {
    if (this.framing !== 'rtu') throw new Error(`open(path) is for the rtu framing, not ${this.framing}`);
    const flags = fsConstants.O_RDWR | fsConstants.O_NOCTTY;
    const input = new ReadStream(openSync(path, flags));
    const output = new WriteStream(openSync(path, flags));
    input.setRawMode(true);
    const link: Link = { write: (frame) => void output.write(frame), close: () => (input.destroy(), output.destroy()) };
    this.attach(link, input);
    input.on('error', (err) => this.log(`${this.label()}: ${path}: ${err.message}`));
    output.on('error', (err) => this.log(`${this.label()}: ${path}: ${err.message}`));
    this.log(`${this.label()}: SIMULATED Modbus slave (rtu) on ${path}, units ${[...this.units.keys()].join(', ')}`);
  }

  /** Stops listening, ends every connection, drops pending answers. listen() may be called again. */
  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.stats.outstanding = 0;
    for (const link of this.links) link.close();
    this.links.clear();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private label(): string {
    return `sim modbus ${this.opts.name ?? ''}`.trimEnd();
  }

  private accept(socket: Socket): void {
    socket.setNoDelay(true);
    const link: Link = { write: (frame) => void (socket.writable && socket.write(frame)), close: () => socket.destroy() };
    socket.on('error', () => undefined); // a client going away mid-answer is not the slave's problem
    socket.on('close', () => this.links.delete(link));
    this.attach(link, socket);
  }

  private attach(link: Link, input: NodeJS.ReadableStream): void {
    this.links.add(link);
    const onBad = (reason: string): void => {
      this.stats.bad_frames++;
      this.log(`${this.label()}: ${reason}`);
    };
    const parser: FrameParser = this.framing === 'tcp' ? mbapParser((r) => this.onRequest(r, link), onBad) : rtuParser((r) => this.onRequest(r, link), onBad);
    let gap: NodeJS.Timeout | undefined;
    input.on('data', (chunk: Buffer) => {
      clearTimeout(gap);
      parser.push(chunk);
      gap = setTimeout(() => parser.flush(), this.opts.frame_gap_ms ?? 50);
    });
    input.on('close', () => clearTimeout(gap));
  }

  private onRequest(req: Request, link: Link): void {
    this.stats.requests++;
    const rtu = this.framing !== 'tcp';
    if (rtu && req.unit_id === 0) return void [...this.units.values()].forEach((u) => this.apply(u, req)); // broadcast
    const unit = this.units.get(req.unit_id);
    if (!unit) {
      if (!rtu && !this.silent) this.respond(link, req.frame(Buffer.from([(req.pdu[0] ?? 0) | 0x80, 0x0b])), true);
      return;
    }
    const outcome = this.apply(unit, req);
    if (!this.silent) this.respond(link, req.frame(outcome.response), outcome.exception !== undefined);
  }

  private apply(unit: SlaveUnit, req: Request): ReturnType<typeof handlePdu> {
    const outcome = handlePdu(unit.image, req.pdu);
    if (outcome.write) {
      this.writes.push({ unit_id: unit.unit_id, at: Date.now(), ...outcome.write });
      try {
        if (unit.sample) this.update(unit.unit_id, unit.sample); // outputs act at once on their feedback
      } catch (err) {
        this.log(`${this.label()}: unit ${unit.unit_id}: ${(err as Error).message}`);
      }
    }
    return outcome;
  }

  private respond(link: Link, frame: Buffer, isException: boolean): void {
    this.stats.outstanding++;
    this.stats.max_outstanding = Math.max(this.stats.max_outstanding, this.stats.outstanding);
    const send = (): void => {
      this.stats.outstanding--;
      this.stats.responses++;
      if (isException) this.stats.exceptions++;
      link.write(frame);
    };
    if (this.response_delay_ms <= 0) return send();
    const timer = setTimeout(() => (this.timers.delete(timer), send()), this.response_delay_ms);
    this.timers.add(timer);
  }
}
