/** Lookups over the frozen config, built once at start: sites, devices, points by device channel. */
import type { Config, DeviceConfig, PointConfig, SiteConfig } from '../config/schema.js';

const k2 = (a: string, b: string): string => `${a}\u0000${b}`;

export class SiteIndex {
  readonly sites = new Map<string, SiteConfig>();
  private readonly devices = new Map<string, DeviceConfig>();
  private readonly points = new Map<string, PointConfig>();
  private readonly byChannel = new Map<string, PointConfig>();

  constructor(readonly config: Config) {
    for (const site of config.sites) {
      this.sites.set(site.site_id, site);
      for (const d of site.devices) this.devices.set(k2(site.site_id, d.device_id), d);
      for (const p of site.points) {
        this.points.set(k2(site.site_id, p.point_id), p);
        this.byChannel.set(`${site.site_id}\u0000${p.device_id}\u0000${p.channel}`, p);
      }
    }
  }

  device(site_id: string, device_id: string): DeviceConfig | undefined {
    return this.devices.get(k2(site_id, device_id));
  }

  point(site_id: string, point_id: string): PointConfig | undefined {
    return this.points.get(k2(site_id, point_id));
  }

  pointOfChannel(site_id: string, device_id: string, channel: string): PointConfig | undefined {
    return this.byChannel.get(`${site_id}\u0000${device_id}\u0000${channel}`);
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
