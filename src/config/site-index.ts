/**
 * Lookups over the frozen config: sites, devices, points by device channel. Built at start and
 * rebuilt in place by `reload` (hot reload), so every stage holding the index sees the new config.
 */
import type { Config, DeviceConfig, PointConfig, SiteConfig } from './schema.js';
import { PairMap } from '../util/pair-map.js';

export class SiteIndex {
  readonly sites = new Map<string, SiteConfig>();
  private readonly devices = new PairMap<DeviceConfig>();
  private readonly points = new PairMap<PointConfig>();
  /** site_id + device_id → channel → point */
  private readonly byChannel = new PairMap<Map<string, PointConfig>>();

  constructor(public config: Config) {
    this.fill(config);
  }

  /** Takes a new config (hot reload): every lookup answers from it from now on. */
  reload(config: Config): void {
    this.config = config;
    this.sites.clear();
    this.devices.clear();
    this.points.clear();
    this.byChannel.clear();
    this.fill(config);
  }

  private fill(config: Config): void {
    for (const site of config.sites) {
      this.sites.set(site.site_id, site);
      for (const d of site.devices) {
        this.devices.set(site.site_id, d.device_id, d);
        this.byChannel.set(site.site_id, d.device_id, new Map());
      }
      for (const p of site.points) {
        this.points.set(site.site_id, p.point_id, p);
        this.byChannel.get(site.site_id, p.device_id)?.set(p.channel, p);
      }
    }
  }

  device(site_id: string, device_id: string): DeviceConfig | undefined {
    return this.devices.get(site_id, device_id);
  }

  point(site_id: string, point_id: string): PointConfig | undefined {
    return this.points.get(site_id, point_id);
  }

  pointOfChannel(site_id: string, device_id: string, channel: string): PointConfig | undefined {
    return this.byChannel.get(site_id, device_id)?.get(channel);
  }

  timeZone(site_id: string): string {
    return this.sites.get(site_id)?.time_zone ?? 'Asia/Shanghai';
  }

  allDevices(): { site_id: string; device_id: string }[] {
    return this.config.sites.flatMap((s) => s.devices.map((d) => ({ site_id: s.site_id, device_id: d.device_id })));
  }

  allPoints(): (PointConfig & { site_id: string })[] {
    return this.config.sites.flatMap((s) => s.points.map((p) => ({ ...p, site_id: s.site_id })));
  }
}
