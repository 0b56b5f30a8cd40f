/**
 * Builds the national networking files of a site (CDDY, FZDY, CDSS, YCBJ, TJSJ, and for sites
 * with personnel positioning RYXX, RYQY, RYJZ, RYSS, JZSS, RYCS, RYCY, RYQJ, RYXZ) from the
 * config, the store's readings, alarms and card tracks, the device states and the 5-minute
 * statistics. Called by the export route (src/api/routes/export.ts) for the current moment or
 * `?at=` a past one, and by the file uplink.
 */
import type { SiteConfig } from '../../config/schema.js';
import type { SiteIndex } from '../../config/site-index.js';
import { STATUS } from '../../domain/status.js';
import type { Alarm } from '../../domain/types.js';
import type { Store } from '../../domain/store.js';
import { DeviceStatusBoard } from '../../ingest/device-status.js';
import { SimulatedMarks, readerProfiles } from '../../ingest/simulated.js';
import { profileById } from '../../../devices/index.js';
import type { PersonnelService } from '../../personnel/service.js';
import { READER_POWER_UNKNOWN, READER_RUN, areaOfStation, stationIds } from './personnel-codes.js';
import { abnormalType, pointKind, siteIdentity } from './codes.js';
import { FIVE_MINUTES, type FiveMinuteStats } from './stats.js';
import {
  type AbnormalRow,
  type CardAlarmRow,
  type CrowdRow,
  FILE_TABLES,
  type FileContext,
  type FileTable,
  type FileType,
  PERSONNEL_ALARM_FILES,
  PERSONNEL_TYPES,
  type PersonStateRow,
  type RealtimeRow,
  type StatRow,
  type StationStateRow,
} from './tables.js';
import { fileName, frame } from './text.js';

/** A point whose newest reading is older than this (without its own cycle_s) is written as not polled (AQ 6201: 30 s cycle, one cycle of tolerance). */
const DEFAULT_SILENCE_MS = 60_000;
const DAY = 86_400_000;

export interface BuiltFile {
  type: FileType;
  name: string;
  text: string;
  records: number;
  /** Records left out because their data is simulated (BuildOptions.simulated 'omit'). */
  omitted_simulated: number;
}

export interface BuildOptions {
  /** The file's moment (default now). */
  at?: number;
  /** YCBJ and TJSJ: the span covered (default YCBJ the last 24 h, TJSJ the last complete 5 minutes). */
  from?: number;
  to?: number;
  /** YCBJ: exactly these alarms (the ones that changed since the last file) instead of a span. */
  alarms?: Alarm[];
  /**
   * Simulated data (src/ingest/simulated.ts): 'omit' (default) leaves its records out, 'mark'
   * keeps them (a test target) with bit 512 in CDSS 测点状态, the only field that can carry it.
   * Definitions (CDDY, FZDY, RYXX, RYQY, RYJZ) are config, never simulated.
   */
  simulated?: 'omit' | 'mark';
}

export class FileError extends Error {
  constructor(
    readonly code: 'not_found' | 'bad_request',
    message: string,
  ) {
    super(message);
  }
}

export class NationalFiles {
  private readonly marks: SimulatedMarks;
  private readonly isReader = readerProfiles(profileById);

  constructor(private readonly deps: { index: SiteIndex; store: Store; stats: FiveMinuteStats; personnel?: PersonnelService | undefined; status?: DeviceStatusBoard | undefined; now?: () => number }) {
    this.marks = new SimulatedMarks(deps.index, deps.status ?? new DeviceStatusBoard([], new Map()));
  }

  static isType(type: string): type is FileType {
    return Object.hasOwn(FILE_TABLES, type);
  }

  static isPersonnel(type: FileType): type is (typeof PERSONNEL_TYPES)[number] {
    return (PERSONNEL_TYPES as readonly string[]).includes(type);
  }

  async build(site_id: string, type: FileType, opts: BuildOptions = {}): Promise<BuiltFile> {
    const site = this.deps.index.sites.get(site_id);
    if (!site) throw new FileError('not_found', `no site ${site_id}`);
    const id = siteIdentity(site);
    if (!/^\d{12}$/.test(id.mine_code)) throw new FileError('bad_request', `site ${site_id} has no 12-digit mine code: set networking.mine_code`);
    const now = (this.deps.now ?? Date.now)();
    const at = opts.at ?? now;
    if (NationalFiles.isPersonnel(type) && !site.personnel) throw new FileError('not_found', `site ${site_id} has no personnel positioning`);
    // the reader states are known now only, not for a past moment
    if (type === 'JZSS' && at < now - 60_000) throw new FileError('bad_request', "JZSS is the readers' state now: ?at= cannot be in the past");
    const ctx: FileContext = { site, id, tz: this.deps.index.timeZone(site_id), at };
    const all = await this.rows(site, type, ctx, opts);
    const rows = opts.simulated === 'mark' ? all : all.filter((r) => !this.simulated(site, type, r));
    const table = FILE_TABLES[type] as FileTable<unknown>;
    const header = table.header.map((fd) => fd.get(undefined, ctx));
    const records = rows.map((r) => table.record.map((fd) => fd.get(r, ctx)));
    return { type, name: fileName(id.mine_code, type, at, ctx.tz), text: frame(header, records), records: records.length, omitted_simulated: all.length - rows.length };
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
      case 'RYXX':
        return (site.personnel?.cards ?? []).map((card) => ({ card }));
      case 'RYQY':
        return (site.personnel?.areas ?? []).map((area) => ({ area }));
      case 'RYJZ':
        return stationIds(site).map((station_id) => ({ station_id, area: areaOfStation(site, station_id) }));
      case 'RYSS':
        return this.people(site, ctx.at);
      case 'JZSS':
        return this.readers(site);
      case 'RYCS':
      case 'RYCY':
      case 'RYQJ':
      case 'RYXZ': {
        const types = PERSONNEL_ALARM_FILES[type] as readonly string[];
        const alarms = opts.alarms
          ? opts.alarms.filter((a) => a.site_id === site.site_id && types.includes(a.type)).map((a) => ({ alarm: a, ended_at: a.cleared_at }))
          : (await this.alarmsIn(site, opts.from ?? ctx.at - DAY, opts.to ?? ctx.at)).filter((r) => types.includes(r.alarm.type));
        return Promise.all(
          type === 'RYCY' ? alarms.map((r) => this.crowd(site, r)) : alarms.map(async (r): Promise<CardAlarmRow> => ({ ...r, pos: await this.position(site, r.alarm.device_id, r.alarm.raised_at) })),
        );
      }
    }
  }

  /** Whether a record's data comes from a simulator. */
  private simulated(site: SiteConfig, type: FileType, row: unknown): boolean {
    const device = (point: { device_id: string } | undefined) => point !== undefined && this.marks.device(site.site_id, point.device_id);
    switch (type) {
      case 'CDSS':
        return (row as RealtimeRow).simulated === true;
      case 'TJSJ':
        return device((row as StatRow).point);
      case 'YCBJ': {
        const r = row as AbnormalRow;
        return r.alarm.simulated === true || device(r.point) || (r.alarm.device_id !== undefined && r.point === undefined && this.marks.device(site.site_id, r.alarm.device_id));
      }
      case 'RYSS':
      case 'JZSS':
        return this.marks.readers(site.site_id, this.isReader);
      case 'RYCS':
      case 'RYCY':
      case 'RYQJ':
      case 'RYXZ':
        return (row as { alarm: Alarm }).alarm.simulated === true || this.marks.readers(site.site_id, this.isReader);
      default:
        return false; // definitions: the config
    }
  }

  private async position(site: SiteConfig, card_id: string | undefined, at: number) {
    return card_id === undefined ? undefined : this.deps.personnel?.positionAt(site.site_id, card_id, at);
  }

  /** RYSS: every card seen by `at`, where the tracks put it then. */
  private async people(site: SiteConfig, at: number): Promise<PersonStateRow[]> {
    const out: PersonStateRow[] = [];
    for (const card_id of this.deps.personnel?.cardIds(site.site_id) ?? []) {
      const pos = await this.position(site, card_id, at);
      if (!pos) continue; // never seen: nothing to say of it
      const card = site.personnel?.cards.find((c) => c.card_id === card_id);
      out.push({ card_id, name: card?.name ?? null, card, pos });
    }
    return out;
  }

  /** JZSS: a reader whose device is configured (networking.stations.<id>.device_id) has its online state; others are unknown (9). */
  private readers(site: SiteConfig): StationStateRow[] {
    return stationIds(site).map((station_id) => {
      const device_id = site.networking.stations?.[station_id]?.device_id;
      const st = device_id === undefined ? undefined : this.deps.status?.get(site.site_id, device_id);
      const run = !st || st.last_seen === null ? READER_RUN.unknown : st.online ? READER_RUN.ok : READER_RUN.lost;
      return { station_id, run, power: READER_POWER_UNKNOWN };
    });
  }

  /** RYCY: the area of an overcrowding alarm and the cards in it (or underground, for the mine) when it began. */
  private async crowd(site: SiteConfig, r: { alarm: Alarm; ended_at?: number | undefined }): Promise<CrowdRow> {
    const area = r.alarm.type === 'overcrowding' ? site.personnel?.areas.find((a) => a.area_id === r.alarm.item_id) : undefined;
    const cards: string[] = [];
    for (const k of this.deps.personnel?.cardIds(site.site_id) ?? []) {
      const pos = await this.position(site, k, r.alarm.raised_at);
      if (pos?.underground === true && (area === undefined || pos.area_id === area.area_id)) cards.push(k);
    }
    return { alarm: r.alarm, area, cards, ended_at: r.ended_at };
  }

  /** Alarms of the site that were active at some time in [from, to], oldest first, with their end as known at `to`. */
  private async alarmsIn(site: SiteConfig, from: number, to: number): Promise<{ alarm: Alarm; ended_at?: number | undefined }[]> {
    const store = this.deps.store;
    const inSpan = await store.listAlarms({ site_ids: [site.site_id], state: 'all', from, to: to + 1, limit: 100_000 });
    const older = (await store.listAlarms({ site_ids: [site.site_id], state: 'all', to: from, limit: 100_000 })).filter((a) => a.cleared_at === undefined || a.cleared_at >= from);
    const seen = new Set<string>();
    const out: { alarm: Alarm; ended_at?: number | undefined }[] = [];
    for (const a of [...older, ...inSpan].sort((x, y) => x.raised_at - y.raised_at)) {
      if (seen.has(a.alarm_id)) continue;
      seen.add(a.alarm_id);
      out.push({ alarm: a, ended_at: a.cleared_at !== undefined && a.cleared_at <= to ? a.cleared_at : undefined });
    }
    return out;
  }

  private async realtime(site: SiteConfig, point: SiteConfig['points'][number], at: number): Promise<RealtimeRow> {
    const r = await this.deps.store.readingAtOrBefore(site.site_id, point.point_id, at);
    if (!r) return { point, value: null, status: STATUS.NOT_POLLED, simulated: this.marks.device(site.site_id, point.device_id) };
    const simulated = (r.status & STATUS.SIMULATED) !== 0 || this.marks.device(site.site_id, point.device_id);
    const silence = point.cycle_s !== undefined ? (point.cycle_s + (point.tolerance_s ?? point.cycle_s)) * 1000 : DEFAULT_SILENCE_MS;
    // a point silent past its cycle is not polled (不巡检): −9999, never its old value held
    if (at - r.ts > silence) return { point, value: null, status: r.status | STATUS.NOT_POLLED, ts: r.ts, simulated };
    return { point, value: r.value, status: r.status, ts: r.ts, simulated };
  }

  private async abnormal(site: SiteConfig, from: number, to: number): Promise<AbnormalRow[]> {
    return (await this.alarmsIn(site, from, to))
      .filter((r) => this.isAbnormal(site, r.alarm))
      .map((r) => ({
        point: r.alarm.point_id === undefined ? undefined : site.points.find((p) => p.point_id === r.alarm.point_id),
        alarm: r.alarm,
        ...(r.ended_at !== undefined ? { ended_at: r.ended_at } : {}),
      }));
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
