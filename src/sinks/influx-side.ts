/**
 * What the gateway writes to InfluxDB besides the readings and alarm events of the outbox, so
 * that dashboards (grafana/) need nothing but InfluxQL (README "Grafana"); both go to the alarms
 * retention policy (v1) or the bucket (v2):
 *   limit,direction=high,level=red,point_id=…,site_id=… set=1.5,clear=1.0        every LIMITS_MS
 *     (the configured limits of every point: the trend panel draws them as lines; skipped while
 *     the outbox is catching up)
 *   anjian_gateway,instance=HOST outbox_lines=…i,outbox_bytes=…i,outbox_oldest_age_s=…,connected=…  every STATS_MS
 *     (the outbox backlog and whether the writer reaches InfluxDB)
 * Best effort: a write that fails is simply made again at the next tick; nothing queues, nothing
 * here touches the outbox.
 */
import { hostname } from 'node:os';
import type { PointConfig } from '../config/schema.js';
import type { Logger } from '../util/log.js';
import type { InfluxClient } from './influx-client.js';

export const STATS_MS = 10_000;
export const LIMITS_MS = 300_000;
/**
 * Limits wait while the outbox holds more than this, and go in small chunks with pauses: the
 * first write of 100,000 points' limits makes InfluxDB create 100,000 series, which took both
 * cores of the bench machine long enough to starve the broker (MQTT connects timed out).
 */
export const LIMITS_IDLE_LINES = 10_000;
const LIMITS_CHUNK = 1000;
const LIMITS_PAUSE_MS = 500;

const esc = (s: string): string => s.replace(/[,= \\]/g, (c) => `\\${c}`);

export function limitLines(points: readonly (PointConfig & { site_id: string })[], at: number): string[] {
  return points.flatMap((p) => p.limits.map((l) => `limit,direction=${l.direction},level=${l.level},point_id=${esc(p.point_id)},site_id=${esc(p.site_id)} set=${l.set},clear=${l.clear} ${at}`));
}

export interface GatewayStats {
  outbox_lines: number;
  outbox_bytes: number;
  outbox_oldest_age_s: number;
  connected: boolean;
}

export function gatewayLine(instance: string, s: GatewayStats, at: number): string {
  return `anjian_gateway,instance=${esc(instance)} outbox_lines=${s.outbox_lines}i,outbox_bytes=${s.outbox_bytes}i,outbox_oldest_age_s=${s.outbox_oldest_age_s},connected=${s.connected} ${at}`;
}

export function startSideWrites(client: InfluxClient, points: () => readonly (PointConfig & { site_id: string })[], stats: () => GatewayStats, log: Logger): { limitsChanged(): void; stop(): void } {
  const instance = hostname();
  let lastLimits = 0;
  let failing = false;
  let stopped = false;
  let running = false;
  const tick = async () => {
    if (running) return; // a slow limits write spans ticks
    running = true;
    const now = Date.now();
    const s = stats();
    try {
      await client.write('alarms', [gatewayLine(instance, s, now)]);
      if (now - lastLimits >= LIMITS_MS && s.outbox_lines <= LIMITS_IDLE_LINES) {
        lastLimits = now;
        const lines = limitLines(points(), now);
        for (let i = 0; i < lines.length && !stopped; i += LIMITS_CHUNK) {
          if (i > 0) await new Promise((r) => setTimeout(r, LIMITS_PAUSE_MS).unref());
          if (stats().outbox_lines > LIMITS_IDLE_LINES) {
            lastLimits = 0; // catching up again: the rest at a later tick
            break;
          }
          await client.write('alarms', lines.slice(i, i + LIMITS_CHUNK));
        }
      }
      failing = false;
    } catch (err) {
      if (!failing) log.debug({ err: (err as Error).message }, 'dashboard series not written (tried again at the next tick)');
      failing = true;
      if (now === lastLimits) lastLimits = 0;
    } finally {
      running = false;
    }
  };
  const first = setTimeout(() => void tick(), 2000);
  const timer = setInterval(() => void tick(), STATS_MS);
  timer.unref();
  first.unref();
  return {
    /** A hot reload changed limits: written again at the next tick. */
    limitsChanged() {
      lastLimits = 0;
    },
    stop() {
      stopped = true;
      clearTimeout(first);
      clearInterval(timer);
    },
  };
}
