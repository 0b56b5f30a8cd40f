/**
 * Scheduled file uplink (issue 17): per site, the national networking files are made on a
 * schedule into a local spool (CDSS every cycle, default 30 s; TJSJ for each 5-minute window
 * that ended; CDDY and FZDY when the definitions change and at least daily; YCBJ whenever alarms
 * changed) and delivered in the order they were made to a local directory or the regulator's FTP
 * server (basic-ftp). While the server is unreachable the made files wait in the spool (on disk,
 * so across restarts) and go out in order once it is back; nothing is made again afterwards, so
 * no file ever holds data that was not there when it was made. Upload is to `<name>.tmp`, then a
 * rename, so the regulator never reads half a file.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, renameSync, unlinkSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Client as FtpClient } from 'basic-ftp';
import type { SiteIndex } from '../config/site-index.js';
import type { Alarm } from '../domain/types.js';
import type { Store } from '../domain/store.js';
import type { Logger } from '../util/log.js';
import type { FilesUplinkConfig } from './config.js';
import type { NationalFiles } from './national/files.js';
import { FIVE_MINUTES } from './national/stats.js';
import type { UplinkState } from './runner.js';

const TICK_MS = 1000;
/** TJSJ catches up at most this far back after a stop (from stored readings only). */
const MAX_CATCH_UP_MS = 86_400_000;

interface SpoolState {
  defs_hash: Record<string, string>;
  defs_at: Record<string, number>;
  event_seq: number;
  tjsj_to: Record<string, number>;
}

export class FileUplink {
  readonly kind = 'files';
  private readonly spool: string;
  private readonly stateFile: string;
  private st: SpoolState;
  private seq: number;
  private lastCdss = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  private busy = false;
  private making = false;
  private ftp?: FtpClient;
  private connected = false;
  readonly counters = { sent: 0, last_success_at: null as number | null, last_error: null as string | null, last_error_at: null as number | null };

  constructor(
    readonly cfg: FilesUplinkConfig,
    private readonly deps: { index: SiteIndex; store: Store; files: NationalFiles; dataDir: string; log: Logger; now?: () => number },
  ) {
    this.spool = join(deps.dataDir, 'uplink', cfg.uplink_id);
    mkdirSync(this.spool, { recursive: true });
    this.stateFile = join(this.spool, 'state.json');
    this.st = existsSync(this.stateFile) ? (JSON.parse(readFileSync(this.stateFile, 'utf8')) as SpoolState) : { defs_hash: {}, defs_at: {}, event_seq: -1, tjsj_to: {} }; // -1: from the store's newest event, read at the first tick
    this.seq = this.spooled().reduce((m, f) => Math.max(m, Number(f.slice(0, 10))), 0);
  }

  get uplink_id(): string {
    return this.cfg.uplink_id;
  }

  start(): void {
    this.timer = setInterval(() => void this.tick(), TICK_MS);
    void this.tick();
  }

  kick(): void {}

  async stop(): Promise<void> {
    clearInterval(this.timer);
    while (this.busy) await new Promise((r) => setTimeout(r, 20));
    this.ftp?.close();
  }

  state(now = Date.now()): UplinkState {
    const files = this.spooled();
    const oldest = files.length ? this.madeAt(files[0] as string) : null;
    return {
      uplink_id: this.cfg.uplink_id, kind: 'files', target: this.cfg.dir ?? `ftp://${this.cfg.ftp?.host}:${this.cfg.ftp?.port}${this.cfg.ftp?.dir}`,
      connected: this.cfg.dir !== undefined ? this.counters.last_error_at === null || (this.counters.last_success_at ?? 0) > this.counters.last_error_at : this.connected,
      backlog_rows: files.length, backlog_age_s: oldest === null ? 0 : Math.max(0, Math.round((now - oldest) / 100) / 10),
      sent: this.counters.sent, sent_backfill: 0,
      last_success_at: this.counters.last_success_at, last_error: this.counters.last_error, last_error_at: this.counters.last_error_at,
      test_target: this.cfg.test_target, refused_simulated: 0,
    };
  }

  /** Makes what is due (always, whatever the server does), then delivers the spool in order unless a delivery is under way. */
  async tick(now = (this.deps.now ?? Date.now)()): Promise<void> {
    if (!this.making) {
      this.making = true;
      try {
        await this.make(now);
      } catch (err) {
        this.counters.last_error = `making files: ${(err as Error).message}`;
        this.counters.last_error_at = Date.now();
      } finally {
        this.making = false;
      }
    }
    if (this.busy) return;
    this.busy = true;
    try {
      await this.deliver();
    } finally {
      this.busy = false;
    }
  }

  private async make(now: number): Promise<void> {
    const types = new Set(this.cfg.types);
    const changed = await this.changedAlarms();
    for (const site_id of this.cfg.sites) {
      const site = this.deps.index.sites.get(site_id);
      if (!site) continue;
      const defs = createHash('sha256').update(JSON.stringify([site.networking, site.devices, site.points])).digest('hex');
      if (this.st.defs_hash[site_id] !== defs || now - (this.st.defs_at[site_id] ?? 0) >= this.cfg.definitions_interval_s * 1000) {
        if (types.has('CDDY')) await this.put(site_id, 'CDDY', now);
        if (types.has('FZDY')) await this.put(site_id, 'FZDY', now);
        this.st.defs_hash[site_id] = defs;
        this.st.defs_at[site_id] = now;
      }
      if (types.has('CDSS') && now - (this.lastCdss.get(site_id) ?? 0) >= this.cfg.realtime_interval_s * 1000) {
        await this.put(site_id, 'CDSS', now);
        this.lastCdss.set(site_id, now);
      }
      const ended = Math.floor(now / FIVE_MINUTES) * FIVE_MINUTES;
      const since = Math.max(this.st.tjsj_to[site_id] ?? ended - FIVE_MINUTES, ended - MAX_CATCH_UP_MS);
      if (types.has('TJSJ') && ended > since) {
        await this.put(site_id, 'TJSJ', ended, { from: since, to: ended });
        this.st.tjsj_to[site_id] = ended;
      }
      const alarms = changed.filter((a) => a.site_id === site_id);
      if (types.has('YCBJ') && alarms.length) await this.put(site_id, 'YCBJ', now, { alarms });
    }
    this.saveState();
  }

  /** Alarms with events since the last YCBJ, in their current form. */
  private async changedAlarms(): Promise<Alarm[]> {
    if (this.st.event_seq < 0) this.st.event_seq = await this.deps.store.lastEventSeq();
    const events = await this.deps.store.eventsSince(this.st.event_seq);
    if (!events.length) return [];
    this.st.event_seq = (events.at(-1) as { seq: number }).seq;
    const latest = new Map<string, Alarm>();
    for (const e of events) latest.set(e.alarm.alarm_id, e.alarm);
    return [...latest.values()];
  }

  private async put(site_id: string, type: Parameters<NationalFiles['build']>[1], at: number, opts: Omit<Parameters<NationalFiles['build']>[2] & object, 'at'> = {}): Promise<void> {
    const file = await this.deps.files.build(site_id, type, { ...opts, at });
    if (type === 'YCBJ' && file.records === 0) return;
    this.seq++;
    const name = `${String(this.seq).padStart(10, '0')}_${at}_${file.name}`;
    const tmp = join(this.spool, `.${name}.tmp`);
    writeFileSync(tmp, file.text, { flush: true });
    renameSync(tmp, join(this.spool, name));
  }

  private spooled(): string[] {
    return readdirSync(this.spool).filter((f) => /^\d{10}_\d+_.+\.txt$/.test(f)).sort();
  }

  private madeAt(spooled: string): number {
    return Number(spooled.split('_')[1]);
  }

  private async deliver(): Promise<void> {
    for (const f of this.spooled()) {
      const name = f.split('_').slice(2).join('_');
      try {
        if (this.cfg.dir !== undefined) this.toDir(f, name);
        else await this.toFtp(f, name);
      } catch (err) {
        this.counters.last_error = (err as Error).message;
        this.counters.last_error_at = Date.now();
        if (this.connected) this.deps.log.warn({ uplink_id: this.cfg.uplink_id, err: (err as Error).message }, 'file uplink: delivery failed, files wait in the spool');
        this.connected = false;
        this.ftp?.close();
        this.ftp = undefined;
        return; // in order: nothing after a file that did not go
      }
      unlinkSync(join(this.spool, f));
      this.counters.sent++;
      this.counters.last_success_at = Date.now();
    }
  }

  private toDir(spooled: string, name: string): void {
    const dir = this.cfg.dir as string;
    const tmp = join(dir, `${name}.tmp`);
    copyFileSync(join(this.spool, spooled), tmp);
    renameSync(tmp, join(dir, name));
  }

  private async toFtp(spooled: string, name: string): Promise<void> {
    const ftp = this.cfg.ftp as NonNullable<FilesUplinkConfig['ftp']>;
    if (!this.ftp || this.ftp.closed) {
      this.ftp = new FtpClient(this.cfg.timeout_ms);
      await this.ftp.access({ host: ftp.host, port: ftp.port, user: ftp.user, password: ftp.password, secure: ftp.secure });
      this.connected = true;
    }
    const dir = ftp.dir.endsWith('/') ? ftp.dir : `${ftp.dir}/`;
    await this.ftp.uploadFrom(Readable.from(readFileSync(join(this.spool, spooled))), `${dir}${name}.tmp`);
    await this.ftp.rename(`${dir}${name}.tmp`, `${dir}${name}`);
  }

  private saveState(): void {
    const tmp = `${this.stateFile}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.st), { flush: true });
    renameSync(tmp, this.stateFile);
  }
}
