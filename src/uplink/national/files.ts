/**
 * Builds the national networking files of a site (CDDY, FZDY, CDSS, YCBJ, TJSJ) from the config,
 * the store's readings and alarms, and the 5-minute statistics. Called by the export route
 * (src/api/routes/export.ts) for the current moment or `?at=` a past one.
 */
import type { SiteConfig } from '../../config/schema.js';
import type { SiteIndex } from '../../config/site-index.js';
import { STATUS } from '../../domain/status.js';
import type { Alarm } from '../../domain/types.js';
import type { ReadingRow, Store } from '../../domain/store.js';
import { abnormalType, pointKind, siteIdentity } from './codes.js';
import { FIVE_MINUTES, type FiveMinuteStats } from './stats.js';
import { type AbnormalRow, FILE_TABLES, type FileContext, type FileTable, type FileType, type RealtimeRow, type StatRow } from './tables.js';
import { fileName, frame } from './text.js';

/** A point whose newest reading is older than this (without its own cycle_s) is written as not polled (AQ 6201: 30 s cycle, one cycle of tolerance). */
const DEFAULT_SILENCE_MS = 60_000;
const DAY = 86_400_000;

export interface BuiltFile {
  type: FileType;
  name: string;
  text: string;
  records: number;
}

export interface BuildOptions {
  /** The file's moment (default now). */
  at?: number;
  /** YCBJ and TJSJ: the span covered (default YCBJ the last 24 h, TJSJ the last complete 5 minutes). */
  from?: number;
  to?: number;
  /** YCBJ: exactly these alarms (the ones that changed since the last file) instead of a span. */
  alarms?: Alarm[];
}

export class FileError extends Error {
  constructor(readonly code: 'not_found' | 'bad_request', message: string) {
    super(message);
  }
}

export class NationalFiles {
  constructor(private readonly deps: { index: SiteIndex; store: Store; stats: FiveMinuteStats; now?: () => number }) {}

  static isType(type: string): type is FileType {
    return Object.hasOwn(FILE_TABLES, type);
  }

  async build(site_id: string, type: FileType, opts: BuildOptions = {}): Promise<BuiltFile> {
    const site = this.deps.index.sites.get(site_id);
    if (!site) throw new FileError('not_found', `no site ${site_id}`);
    const id = siteIdentity(site);
    if (!/^\d{12}$/.test(id.mine_code)) throw new FileError('bad_request', `site ${site_id} has no 12-digit mine code: set networking.mine_code`);
    const at = opts.at ?? (this.deps.now ?? Date.now)();
    const ctx: FileContext = { site, id, tz: this.deps.index.timeZone(site_id), at };
    const rows = await this.rows(site, type, ctx, opts);
    const table = FILE_TABLES[type] as FileTable<unknown>;
    const header = table.header.map((fd) => fd.get(undefined, ctx));
    const records = rows.map((r) => table.record.map((fd) => fd.get(r, ctx)));
    return { type, name: fileName(id.mine_code, type, at, ctx.tz), text: frame(header, records), records: records.length };
  }

  private async rows(site: SiteConfig, type: FileType, ctx: FileContext, opts: BuildOptions): Promise<unknown[]> {
    switch (type) {
      case 'CDDY':
        return site.points.map((point) => ({ point }));
      case 'FZDY':
        return site.devices.map((d) => ({ device_id: d.device_id, name: d.name, location: d.location, profile: d.profile }));
      case 'CDSS':
        return Promise.all(site.points.map((point) => this.realtime(site, point, ctx.at)));
      case 'YCBJ':
        if (opts.alarms) return opts.alarms.filter((a) => this.isAbnormal(site, a)).map((a) => ({ point: site.points.find((p) => p.point_id === a.point_id), alarm: a, ended_at: a.cleared_at }));
        return this.abnormal(site, opts.from ?? ctx.at - DAY, opts.to ?? ctx.at);
      case 'TJSJ':
        return this.statistics(site, opts, ctx.at);
    }
  }

  private async realtime(site: SiteConfig, point: SiteConfig['points'][number], at: number): Promise<RealtimeRow> {
    const r = await this.deps.store.readingAtOrBefore(site.site_id, point.point_id, at);
    if (!r) return { point, value: null, status: STATUS.NOT_POLLED };
    const silence = point.cycle_s !== undefined ? (point.cycle_s + (point.tolerance_s ?? point.cycle_s)) * 1000 : DEFAULT_SILENCE_MS;
    // a point silent past its cycle is not polled (不巡检): −9999, never its old value held
    if (at - r.ts > silence) return { point, value: null, status: r.status | STATUS.NOT_POLLED, ts: r.ts };
    return { point, value: r.value, status: r.status, ts: r.ts };
  }

  private async abnormal(site: SiteConfig, from: number, to: number): Promise<AbnormalRow[]> {
    const store = this.deps.store;
    const inSpan = await store.listAlarms({ site_ids: [site.site_id], state: 'all', from, to: to + 1, limit: 100_000 });
    const older = (await store.listAlarms({ site_ids: [site.site_id], state: 'all', to: from, limit: 100_000 })).filter((a) => a.cleared_at === undefined || a.cleared_at >= from);
    const seen = new Set<string>();
    const out: AbnormalRow[] = [];
    for (const a of [...older, ...inSpan].sort((x, y) => x.raised_at - y.raised_at)) {
      if (seen.has(a.alarm_id) || !this.isAbnormal(site, a)) continue;
      seen.add(a.alarm_id);
      const point = a.point_id === undefined ? undefined : site.points.find((p) => p.point_id === a.point_id);
      out.push({ point, alarm: a, ended_at: a.cleared_at !== undefined && a.cleared_at <= to ? a.cleared_at : undefined });
    }
    return out;
  }

  private isAbnormal(site: SiteConfig, a: Alarm): boolean {
    if (abnormalType(a) === undefined) return false;
    if (a.point_id !== undefined) return site.points.some((p) => p.point_id === a.point_id);
    return a.device_id !== undefined && site.devices.some((d) => d.device_id === a.device_id);
  }

  private async statistics(site: SiteConfig, opts: BuildOptions, at: number): Promise<StatRow[]> {
    const to = Math.min(opts.to ?? Number.POSITIVE_INFINITY, Math.floor(at / FIVE_MINUTES) * FIVE_MINUTES); // windows complete at the file's time only
    const from = opts.from ?? to - FIVE_MINUTES;
    const out: StatRow[] = [];
    for (const point of site.points) {
      if (pointKind(point) === 'switch') continue; // statistics of analog values (模拟量统计值)
      for (const w of await this.deps.stats.windows(site.site_id, point.point_id, from, to)) out.push({ point, ...w });
    }
    return out.sort((a, b) => a.start - b.start);
  }
}
