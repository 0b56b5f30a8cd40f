/**
 * A simulated day for the report tests: one reading a minute of methane and of a local fan on a
 * coal mine, sent with explicit timestamps (yesterday, on the site's clock) in chunks of timed
 * samples, and the figures computed here independently of the gateway's code.
 */
import type { MqttClient } from 'mqtt';

export const MIN = 60_000;

/** Yesterday's local date (Asia/Shanghai, +08:00) and its midnight in epoch ms. */
export function yesterday(now = Date.now()): { date: string; from: number } {
  const local = new Date(now + 8 * 3_600_000 - 86_400_000);
  const date = local.toISOString().slice(0, 10);
  return { date, from: Date.parse(`${date}T00:00:00+08:00`) };
}

/** Methane: a deterministic wave 0.2…0.6, 1.6 %CH4 from 10:00 to 10:09 (alarm and power-off), back at 10:10. */
export const ch4At = (minute: number): number => (minute >= 600 && minute < 610 ? 1.6 : Math.round((0.4 + 0.2 * Math.sin(minute / 37)) * 1000) / 1000);
/** The fan stops from 12:00 to 12:29. */
export const fanAt = (minute: number): number => (minute >= 720 && minute < 750 ? 0 : 1);

export async function sendSamples(client: MqttClient, topic: string, samples: { ts: number; values: Record<string, number> }[], backfill = false): Promise<void> {
  for (let i = 0; i < samples.length; i += 300) {
    await client.publishAsync(topic, JSON.stringify({ samples: samples.slice(i, i + 300), ...(backfill ? { backfill: true } : {}) }), { qos: 1 });
  }
}

export interface Figures {
  max: number;
  max_at: number;
  min: number;
  min_at: number;
  avg: number;
  count: number;
}

export function figures(points: { ts: number; value: number }[]): Figures {
  const sorted = [...points].sort((a, b) => a.ts - b.ts);
  let max = sorted[0] as { ts: number; value: number };
  let min = max;
  for (const p of sorted) {
    if (p.value > max.value) max = p;
    if (p.value < min.value) min = p;
  }
  const avg = sorted.reduce((s, p) => s + p.value, 0) / sorted.length;
  return { max: max.value, max_at: max.ts, min: min.value, min_at: min.ts, avg, count: sorted.length };
}

/** Episodes of a high limit from the readings: raised at the first value ≥ set, cleared at the first value < clear. */
export function episodes(points: { ts: number; value: number }[], set: number, clear: number): { from: number; to: number }[] {
  const out: { from: number; to: number }[] = [];
  let open: number | undefined;
  for (const p of [...points].sort((a, b) => a.ts - b.ts)) {
    if (open === undefined && p.value >= set) open = p.ts;
    else if (open !== undefined && p.value < clear) out.push({ from: open, to: p.ts }), (open = undefined);
  }
  return out;
}
