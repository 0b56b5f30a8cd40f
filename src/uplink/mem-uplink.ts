/**
 * MEM hazchem data-access uplink (数据接入, issue 17; ../shared/domain/standards.md §5.4, §6,
 * confidence C: public implementations, ids 35992814009 `HazardRealDataMessage`, 11943684915,
 * 12072440315 Supcon uploader, 5129190799 DXK test client).
 *
 * TCP; each message is the outer JSON `{appId, serviceId, dataId, data}` followed by "@@", where
 * `data` is the inner JSON encrypted with AES-128-CBC or SM4-CBC (PKCS#7 padding) under the
 * issued key and IV, base64. The server answers each message with JSON `{success, dataId,
 * message}` followed by "@@"; a message leaves the queue only once its dataId is acknowledged.
 * Inner real-time message: dataId (UUID, fixed when queued, so a resend is dropped as a repeat),
 * enterpriseId, gatewayId, collectTime (yyyyMMddHHmmss), isConnectDataSource, reportType
 * (`report` live, `continues` back-fill), datas [{quotaId, value, isValid}]; an unknown value is
 * sent `isValid: false` with value null (never 0, never a held value). Alarm message: the same
 * head with alarms [{quotaId, value, alarmType, threshold, alarmTime}].
 */
import { createCipheriv } from 'node:crypto';
import { type Socket, connect } from 'node:net';
import { randomUUID } from 'node:crypto';
import type { SiteIndex } from '../config/site-index.js';
import { STATUS } from '../domain/status.js';
import type { Batch } from '../domain/store.js';
import type { MemUplinkConfig } from '../config/uplink-schema.js';
import { compactTime } from './national/text.js';
import type { QueueRow } from './queue.js';
import type { UplinkTransport } from './runner.js';

export const FRAME_END = '@@';
const RECONNECT_MS = 1000;
/** Bits that make a value not valid data for the regulator: not polled, station or sensor fault, calibration, over-range, paused. */
const INVALID_BITS = STATUS.NOT_POLLED | STATUS.STATION_FAULT | STATUS.SENSOR_FAULT | STATUS.CALIBRATION | STATUS.OVER_RANGE | STATUS.PAUSED;
/** Alarm events sent as alarm messages: raised and historical (found in back-fill). */
const ALARM_EVENTS = new Set(['raised', 'historical', 'escalated']);

export function encrypt(cfg: Pick<MemUplinkConfig, 'cipher' | 'key' | 'iv'>, plain: string): string {
  const c = createCipheriv(cfg.cipher, Buffer.from(cfg.key, 'utf8'), Buffer.from(cfg.iv, 'utf8'));
  return Buffer.concat([c.update(plain, 'utf8'), c.final()]).toString('base64');
}

interface QueuedReal {
  dataId: string;
  site_id: string;
  ts: number;
  backfilled: boolean;
  /** Only on a test target: the data is simulated (a field of the gateway's own, not of the published message). */
  simulated?: true | boolean;
  datas: { quotaId: string; value: number | null; isValid: boolean }[];
}

interface QueuedAlarm {
  dataId: string;
  simulated?: boolean;
  site_id: string;
  ts: number;
  alarms: { quotaId: string; value: number | null; alarmType: string; threshold: number | null; alarmTime: string }[];
}

/** Readings of points with a quota_id, one real-time message per site and time; alarm events of them. */
export function memEncoder(cfg: MemUplinkConfig, index: SiteIndex, allowed: (site_id: string, point_id: string | undefined, marked: boolean) => boolean | 'simulated') {
  const sites = new Set(cfg.sites);
  return (stored: Batch) => {
    const groups = new Map<string, QueuedReal>();
    for (const r of stored.readings) {
      const ok = sites.has(r.site_id) && allowed(r.site_id, r.point_id, (r.status & STATUS.SIMULATED) !== 0);
      if (!ok) continue;
      const quotaId = index.point(r.site_id, r.point_id)?.quota_id;
      if (!quotaId) continue;
      const backfilled = (r.status & STATUS.BACKFILL) !== 0;
      const simulated = ok === 'simulated';
      const key = `${r.site_id}\u0000${r.ts}\u0000${backfilled}\u0000${simulated}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { dataId: randomUUID(), site_id: r.site_id, ts: r.ts, backfilled, ...(simulated ? { simulated } : {}), datas: [] }));
      const valid = !Number.isNaN(r.value) && (r.status & INVALID_BITS) === 0;
      g.datas.push({ quotaId, value: valid ? r.value : null, isValid: valid }); // an invalid value is never sent as a number
    }
    const rows = [...groups.values()].map((g) => ({ kind: 'real', body: JSON.stringify(g) }));
    for (const e of stored.events) {
      const a = e.alarm;
      // limit alarms only (the message carries a threshold); faults reach the regulator as isValid: false in the real-time data
      const ok = sites.has(a.site_id) && ALARM_EVENTS.has(e.event) && a.limit !== undefined && a.point_id !== undefined && allowed(a.site_id, a.point_id, a.simulated === true);
      if (!ok || !a.limit || a.point_id === undefined) continue;
      const quotaId = index.point(a.site_id, a.point_id)?.quota_id;
      if (!quotaId) continue;
      const alarmType = `${a.limit.direction === 'high' ? 'hi' : 'lo'}:${a.level}`; // no confirmed spec values (standards.md §5.4): direction and level
      const msg: QueuedAlarm = {
        dataId: randomUUID(),
        site_id: a.site_id,
        ts: a.raised_at,
        ...(ok === 'simulated' ? { simulated: true } : {}),
        alarms: [{ quotaId, value: Number.isFinite(a.value) ? a.value : null, alarmType, threshold: a.limit.set, alarmTime: compactTime(a.raised_at, index.timeZone(a.site_id)) }],
      };
      rows.push({ kind: 'alarm', body: JSON.stringify(msg) });
    }
    return rows;
  };
}

/** The inner JSON of a queued row, as it is encrypted. */
export function innerMessage(row: QueueRow, backfill: boolean, _cfg: MemUplinkConfig, index: SiteIndex): { dataId: string; inner: Record<string, unknown> } {
  const q = JSON.parse(row.body) as (QueuedReal | QueuedAlarm) & { site_id: string };
  const site = index.sites.get(q.site_id);
  const enterpriseId = site?.networking.enterprise_code ?? site?.networking.mine_code ?? q.site_id;
  const gatewayId = site?.networking.gateway_code ?? `${enterpriseId}01`;
  const head = { dataId: q.dataId, enterpriseId, gatewayId, collectTime: compactTime(q.ts, index.timeZone(q.site_id)) };
  if (row.kind === 'alarm') return { dataId: q.dataId, inner: { ...head, dataType: 'alarm', ...((q as QueuedAlarm).simulated ? { simulated: true } : {}), alarms: (q as QueuedAlarm).alarms } };
  const real = q as QueuedReal;
  return {
    dataId: q.dataId,
    inner: {
      ...head,
      dataType: 'real',
      isConnectDataSource: real.datas.some((d) => d.isValid),
      reportType: backfill || real.backfilled ? 'continues' : 'report',
      ...(real.simulated ? { simulated: true } : {}),
      datas: real.datas,
    },
  };
}

export class MemUplinkTransport implements UplinkTransport {
  private socket?: Socket;
  private stopped = false;
  private retry?: NodeJS.Timeout;
  private readonly waiting = new Map<string, { resolve(): void; reject(err: Error): void; timer: NodeJS.Timeout }>();

  constructor(
    private readonly cfg: MemUplinkConfig,
    private readonly index: SiteIndex,
  ) {}

  start(events: { up(): void; down(err?: Error): void }): void {
    const open = () => {
      if (this.stopped) return;
      const socket = connect({ host: this.cfg.host, port: this.cfg.port });
      this.socket = socket;
      let buffer = '';
      let closed = false;
      socket.setNoDelay(true);
      socket.on('connect', () => events.up());
      socket.on('data', (d) => {
        buffer += d.toString('utf8');
        let at: number;
        while ((at = buffer.indexOf(FRAME_END)) >= 0) {
          const frame = buffer.slice(0, at);
          buffer = buffer.slice(at + FRAME_END.length);
          this.answer(frame);
        }
      });
      socket.on('error', () => {});
      socket.on('close', () => {
        if (closed) return;
        closed = true;
        this.failAll(new Error(`connection to ${this.cfg.host}:${this.cfg.port} closed`));
        events.down(new Error(`connection to ${this.cfg.host}:${this.cfg.port} closed`));
        if (!this.stopped) this.retry = setTimeout(open, RECONNECT_MS);
      });
    };
    open();
  }

  send(row: QueueRow, backfill: boolean): Promise<void> {
    const socket = this.socket;
    if (!socket || socket.destroyed || socket.connecting) return Promise.reject(new Error('not connected'));
    const { dataId, inner } = innerMessage(row, backfill, this.cfg, this.index);
    const outer = { appId: this.cfg.app_id, serviceId: this.cfg.service_id, dataId, data: encrypt(this.cfg, JSON.stringify(inner)) };
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(dataId);
        reject(new Error(`no acknowledgement of ${dataId} within ${this.cfg.ack_timeout_ms} ms`));
        socket.destroy(); // start over on a fresh connection
      }, this.cfg.ack_timeout_ms);
      this.waiting.set(dataId, { resolve, reject, timer });
      socket.write(JSON.stringify(outer) + FRAME_END);
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    this.failAll(new Error('uplink stopped'));
    this.socket?.destroy();
  }

  private answer(frame: string): void {
    let reply: { success?: unknown; dataId?: unknown; message?: unknown };
    try {
      reply = JSON.parse(frame) as typeof reply;
    } catch {
      return; // not an answer we understand: the message stays queued until its timeout
    }
    const w = typeof reply.dataId === 'string' ? this.waiting.get(reply.dataId) : undefined;
    if (!w) return;
    this.waiting.delete(reply.dataId as string);
    clearTimeout(w.timer);
    if (reply.success === true) w.resolve();
    else {
      w.reject(new Error(`server refused ${String(reply.dataId)}: ${String(reply.message ?? '')}`));
      this.socket?.destroy(); // tried again on a fresh connection; the message stays queued
    }
  }

  private failAll(err: Error): void {
    for (const [, w] of this.waiting) clearTimeout(w.timer), w.reject(err);
    this.waiting.clear();
  }
}
