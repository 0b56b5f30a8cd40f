/**
 * Simulated personnel-positioning reader (profile anjian-position-reader): workers walk a demo
 * mine, modelled as routes of (station, minutes) legs that start when the simulators start. The
 * demo starts mid-shift: the first two workers go down from the shaft top, the others are already
 * underground at their workplaces and come up within minutes, so the first message already shows
 * people underground. Every interval each station's reader device publishes the cards its station
 * sees now (none is a message too, so its headcount falls to 0); payloads carry "simulated": true.
 * One device per station: messages of several stations through one device would give its one
 * headcount point several readings at the same time, and only the first would be stored. Built in: one worker overstays underground (never comes back
 * up, so `overtime` fires once the site's shift_limit_h passes) and one walks into a restricted
 * area for a minute (`restricted_area`). Station ids are taken from the site's personnel config.
 */
import { connect, type MqttClient } from 'mqtt';
import type { SiteConfig } from '../src/config/schema.js';
import { uplinkTopic } from '../src/transport/mqtt/topics.js';

export interface Leg {
  station: string;
  minutes: number;
}

/** Routes per card; the last leg lasts forever. Pure data built from the site's personnel config. */
export function demoRoutes(site: SiteConfig): Map<string, Leg[]> {
  const p = site.personnel;
  const routes = new Map<string, Leg[]>();
  if (!p) return routes;
  const top = p.surface_stations[0] as string;
  const of = (type: string) => p.areas.filter((a) => a.type === type).flatMap((a) => a.stations);
  const work = of('key');
  const restricted = of('restricted')[0];
  p.cards.forEach((card, i) => {
    const place = work[i % Math.max(1, work.length)] ?? top;
    const via = work[0] ?? top;
    if (i === 0)
      routes.set(card.card_id, [
        { station: top, minutes: 1 },
        { station: via, minutes: 1 },
        { station: place, minutes: 1 },
      ]); // overstays: never leaves
    else if (i === 1 && restricted)
      routes.set(card.card_id, [
        { station: top, minutes: 1 },
        { station: via, minutes: 1 },
        { station: restricted, minutes: 1 },
        { station: place, minutes: 2 },
        { station: top, minutes: 1 },
      ]);
    else
      routes.set(card.card_id, [
        { station: place, minutes: 1 + (i % 3) },
        { station: via, minutes: 1 },
        { station: top, minutes: 1 },
      ]); // mid-shift: already underground, comes up
  });
  return routes;
}

/** Where each card is `t_ms` after the start: station → cards. Pure. */
export function stationsAt(routes: Map<string, Leg[]>, t_ms: number): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [card, legs] of routes) {
    let left = t_ms / 60_000;
    let station = legs.at(-1)?.station as string;
    for (const leg of legs) {
      if (left < leg.minutes) {
        station = leg.station;
        break;
      }
      left -= leg.minutes;
    }
    out.set(station, [...(out.get(station) ?? []), card]);
  }
  return out;
}

/** Every station of a site's personnel config: surface stations, then those of the areas. Pure. */
export function siteStations(site: SiteConfig): string[] {
  const p = site.personnel;
  return p ? [...new Set([...p.surface_stations, ...p.areas.flatMap((a) => a.stations)])] : [];
}

/**
 * Which stations each reader device reports: a station goes to the device whose id ends with the
 * station id without its `st-` prefix (st-face-1301 → rydw-face-1301); a station no device names is
 * relayed by the first reader (a single reader relays all stations). Pure.
 */
export function stationsOfReaders(stations: readonly string[], readers: readonly string[]): Map<string, string[]> {
  const out = new Map<string, string[]>(readers.map((d) => [d, []]));
  const relay = readers[0];
  for (const station of stations) {
    const own = readers.find((d) => d.endsWith(`-${station.replace(/^st-/, '')}`)) ?? relay;
    if (own !== undefined) out.get(own)?.push(station);
  }
  return out;
}

export class SimulatedReader {
  private client?: MqttClient;
  private timer?: NodeJS.Timeout;
  private readonly routes: Map<string, Leg[]>;

  constructor(private readonly opts: { url: string; site: SiteConfig; device_id: string; stations: readonly string[]; interval_ms: number; started_at: number }) {
    this.routes = demoRoutes(opts.site);
  }

  async start(): Promise<void> {
    this.client = connect(this.opts.url, { clientId: `sim-${this.opts.site.site_id}-${this.opts.device_id}`, reconnectPeriod: 1000 });
    const topic = uplinkTopic(this.opts.site.site_id, this.opts.device_id);
    this.timer = setInterval(() => {
      if (!this.client?.connected) return;
      const now = Date.now();
      const seen = stationsAt(this.routes, now - this.opts.started_at);
      for (const station of this.opts.stations) {
        const cards = seen.get(station) ?? [];
        this.client.publish(topic, JSON.stringify({ station, ts: now, cards: cards.map((card) => ({ card })), simulated: true }), { qos: 1 });
      }
    }, this.opts.interval_ms);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.client?.endAsync();
  }
}
