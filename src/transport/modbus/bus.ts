/**
 * One Modbus bus: a TCP endpoint (connectTCP, MBAP), a serial server (RTU over TCP: connectTelnet,
 * raw RTU frames with CRC) or a serial line (RTU: connectRTUBuffered), with one modbus-serial client and one queue, so that exactly one request is in flight at any time (an
 * RS-485 line carries one master request at a time; many TCP gateways serialise anyway, and
 * peers' users report storms from masters that do not, peers.md). Every request has a timeout
 * (modbus-serial has none by default) plus a guard timer of our own, so no promise ever hangs on
 * a dead slave. The connection is opened on demand and reopened with exponential backoff; while
 * the backoff runs, requests fail at once as `disconnected` instead of hammering the endpoint.
 */
import ModbusSerial from 'modbus-serial';
import type { ModbusRTU as ModbusClient } from 'modbus-serial/ModbusRTU.js';
import type { ModbusConfig } from '../../config/schema.js';
import type { RegisterSpan, WritableTable } from '../../decode/modbus-profile.js';
import type { Logger } from '../../util/log.js';
import { classify, ModbusRequestError } from './errors.js';

type Client = ModbusClient;
/** In ESM the CommonJS module.exports of modbus-serial is the client class itself. */
const ModbusRTU = ModbusSerial as unknown as new () => Client;

export interface RequestOptions {
  unit_id: number;
  timeout_ms: number;
  retries: number;
}

interface Job {
  run(client: Client): Promise<unknown>;
  /** Writes: ahead of queued reads, and a connection is tried even while the reconnect backoff runs. */
  urgent: boolean;
  opts: RequestOptions;
  resolve(v: unknown): void;
  reject(e: ModbusRequestError): void;
}

const RECONNECT_MIN_MS = 500;
const RECONNECT_MAX_MS = 30_000;
/** Consecutive timeouts of every device on a TCP link after which the link itself is reopened (half-open sockets). */
const TIMEOUTS_BEFORE_REOPEN = 3;
/** Quiet time after a timeout on RTU framing, so a late answer cannot be taken for the next one's. */
const RTU_QUIET_AFTER_TIMEOUT_MS = 100;

export class ModbusBus {
  private readonly queue: Job[] = [];
  private running = false;
  private client: Client | undefined;
  private open = false;
  private wasConnected = false;
  private reconnectDelay = RECONNECT_MIN_MS;
  private nextConnectAt = 0;
  private timeoutsInRow = 0;
  private stopped = false;
  /** Requests in flight right now (never above 1: asserted by tests through the slave). */
  inFlight = 0;
  requests = 0;
  lastError: string | null = null;

  constructor(
    readonly key: string,
    private readonly settings: ModbusConfig,
    private readonly log: Logger,
  ) {}

  get connected(): boolean {
    return this.open;
  }

  /** Reads one block; resolves with its words (registers) or bits (0/1), `count` long. */
  read(block: RegisterSpan, opts: RequestOptions): Promise<number[]> {
    return this.enqueue(opts, false, async (c) => {
      const { address: a, count: n } = block;
      switch (block.table) {
        case 'coil':
          return bits((await c.readCoils(a, n)).data, n);
        case 'discrete_input':
          return bits((await c.readDiscreteInputs(a, n)).data, n);
        case 'input_register':
          return (await c.readInputRegisters(a, n)).data;
        case 'holding_register':
          return (await c.readHoldingRegisters(a, n)).data;
      }
    }) as Promise<number[]>;
  }

  /** Writes one coil (FC 5) or holding register (FC 6); goes before queued reads (cut-off ≤ 2 s, AQ 6201). */
  write(table: WritableTable, address: number, value: number, opts: RequestOptions): Promise<void> {
    return this.enqueue(opts, true, async (c) => {
      if (table === 'coil') await c.writeCoil(address, value !== 0);
      else await c.writeRegister(address, value);
    }) as Promise<void>;
  }

  /** Fails what is queued, closes the connection; no request is started afterwards. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const job of this.queue.splice(0)) job.reject(new ModbusRequestError('disconnected', 'gateway stopping'));
    while (this.running) await sleep(10);
    await this.close();
  }

  private enqueue(opts: RequestOptions, urgent: boolean, run: Job['run']): Promise<unknown> {
    if (this.stopped) return Promise.reject(new ModbusRequestError('disconnected', 'gateway stopping'));
    return new Promise((resolve, reject) => {
      const job: Job = { run, opts, urgent, resolve, reject };
      if (urgent) this.queue.unshift(job);
      else this.queue.push(job);
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      for (let job = this.queue.shift(); job && !this.stopped; job = this.queue.shift()) {
        try {
          job.resolve(await this.attempt(job));
        } catch (err) {
          job.reject(err as ModbusRequestError);
        }
        if (this.settings.mode === 'rtu') await sleep(interFrameMs(this.settings.baud_rate));
      }
    } finally {
      this.running = false;
    }
  }

  /** One job with its retries (timeouts and corrupt answers only; an exception is an answer). */
  private async attempt(job: Job): Promise<unknown> {
    let last: ModbusRequestError | undefined;
    for (let i = 0; i <= job.opts.retries; i++) {
      const client = await this.ensureOpen(job.urgent);
      try {
        const value = await this.once(client, job);
        this.timeoutsInRow = 0;
        return value;
      } catch (err) {
        last = classify(err, this.open);
        this.lastError = last.message;
        if (last.kind === 'timeout') await this.afterTimeout();
        if (last.kind === 'corrupt' && this.settings.mode !== 'tcp') await sleep(RTU_QUIET_AFTER_TIMEOUT_MS);
        if (last.kind === 'exception' || last.kind === 'disconnected') break;
      }
    }
    throw last as ModbusRequestError;
  }

  private async once(client: Client, job: Job): Promise<unknown> {
    this.inFlight++;
    this.requests++;
    let guard: NodeJS.Timeout | undefined;
    try {
      client.setTimeout(job.opts.timeout_ms);
      client.setID(job.opts.unit_id);
      const timedOut = new Promise<never>((_, reject) => {
        guard = setTimeout(() => reject(new ModbusRequestError('timeout', 'no answer (timed out)')), job.opts.timeout_ms + 250);
      });
      return await Promise.race([job.run(client), timedOut]);
    } finally {
      clearTimeout(guard);
      this.inFlight--;
    }
  }

  private async afterTimeout(): Promise<void> {
    this.timeoutsInRow++;
    if (this.settings.mode !== 'tcp') await sleep(RTU_QUIET_AFTER_TIMEOUT_MS);
    if (this.settings.mode !== 'rtu' && this.timeoutsInRow >= TIMEOUTS_BEFORE_REOPEN) {
      this.timeoutsInRow = 0;
      this.log.warn('no answer on the link: reopening the connection');
      await this.close();
    }
  }

  /** The open client, or a `disconnected` error (at once while the reconnect backoff runs). */
  private async ensureOpen(urgent: boolean): Promise<Client> {
    if (this.open && this.client) return this.client;
    const now = Date.now();
    if (now < this.nextConnectAt && !urgent) throw new ModbusRequestError('disconnected', `not connected (${this.lastError ?? 'connecting'}); next attempt in ${this.nextConnectAt - now} ms`);
    try {
      this.client = await this.connect();
      this.open = true;
      this.reconnectDelay = RECONNECT_MIN_MS;
      this.log.info(this.wasConnected ? 'modbus bus reconnected' : 'modbus bus connected');
      this.wasConnected = true;
      return this.client;
    } catch (err) {
      const message = `cannot connect to ${this.key}: ${(err as Error).message}`;
      if (this.reconnectDelay === RECONNECT_MIN_MS) this.log.warn({ err: (err as Error).message }, 'modbus bus unreachable; retrying with backoff');
      this.lastError = message;
      this.nextConnectAt = Date.now() + this.reconnectDelay;
      this.reconnectDelay = Math.min(RECONNECT_MAX_MS, this.reconnectDelay * 2);
      throw new ModbusRequestError('disconnected', message);
    }
  }

  private async connect(): Promise<Client> {
    const s = this.settings;
    const client = new ModbusRTU();
    client.setTimeout(Math.max(1000, s.timeout_ms));
    const connectTimeout = Math.max(2000, s.timeout_ms * 2);
    const opening =
      s.mode === 'tcp'
        ? client.connectTCP(s.host as string, { port: s.port ?? 502 })
        : s.mode === 'rtu_over_tcp'
          ? client.connectTelnet(s.host as string, { port: s.port ?? 502 }) // raw RTU frames (with CRC) over TCP; connectTcpRTUBuffered speaks MBAP
          : client.connectRTUBuffered(s.path as string, { baudRate: s.baud_rate, parity: s.parity, dataBits: s.data_bits, stopBits: s.stop_bits });
    let guard: NodeJS.Timeout | undefined;
    try {
      await Promise.race([opening, new Promise((_, reject) => (guard = setTimeout(() => reject(new Error(`no connection within ${connectTimeout} ms`)), connectTimeout)))]);
    } catch (err) {
      opening.catch(() => undefined);
      destroy(client);
      throw err;
    } finally {
      clearTimeout(guard);
    }
    client.on('close', () => {
      if (this.client !== client || !this.open) return;
      this.open = false;
      this.lastError = `connection to ${this.key} lost`;
      this.log.warn('modbus connection lost; reconnecting');
    });
    client.on('error', () => undefined); // socket errors surface as failed requests and 'close'
    return client;
  }

  private async close(): Promise<void> {
    const client = this.client;
    this.open = false;
    this.client = undefined;
    if (client) destroy(client);
  }
}

function destroy(client: Client): void {
  try {
    client.destroy(() => undefined);
  } catch {
    /* already closed */
  }
}

/**
 * Silence between two frames on a serial line: 3.5 character times (11 bits each), fixed at
 * 1.75 ms above 19,200 baud (Modbus over Serial Line V1.02 §2.5.1.1); rounded up to whole ms.
 */
export const interFrameMs = (baud: number): number => Math.ceil(baud > 19_200 ? 1.75 : (3.5 * 11 * 1000) / baud);

/** modbus-serial returns bits padded to whole bytes; the block has `n`. */
const bits = (data: boolean[], n: number): number[] => data.slice(0, n).map((b) => (b ? 1 : 0));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
