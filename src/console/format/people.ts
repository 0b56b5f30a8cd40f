/**
 * Names of people (cards) and areas for personnel alarms (超员, 超时, 限制区域, 紧急求救): the feed
 * says 王二 · 1205 采空区密闭, not K0002. Asked from GET …/personnel only for sites that have
 * an active personnel alarm, every 10 s.
 */
import type { Api } from '../live/api.js';
import type { Alarm } from '../types.js';

/** What the watch needs of the alarm book: its alarms and new ones (a shape, so this file does not import the book). */
export interface AlarmList {
  list(): readonly Alarm[];
  onAlert(listener: (a: Alarm) => void): () => void;
}

export const PERSONNEL_TYPES = new Set(['overcrowding', 'overtime', 'restricted_area', 'sos']);
const POLL_MS = 10_000;

const cards = new Map<string, string>();
const areas = new Map<string, string>();
let version = 0;
const listeners = new Set<() => void>();

export const personName = (site_id: string, card_id: string | undefined): string | undefined => (card_id ? cards.get(`${site_id}/${card_id}`) : undefined);
export const areaName = (site_id: string, area_id: string | undefined): string | undefined => (area_id ? areas.get(`${site_id}/${area_id}`) : undefined);
export const peopleVersion = (): number => version;
export function onPeople(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Polls the personnel of sites with an active personnel alarm (at once on a new one) until the returned stop is called. */
export function watchPeople(api: Api, book: AlarmList): () => void {
  const alarms = () => book.list();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  let running = false;
  let again = false;
  const tick = async (): Promise<void> => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    const sites = new Set(
      alarms()
        .filter((a) => PERSONNEL_TYPES.has(a.type) && a.state.startsWith('active'))
        .map((a) => a.site_id),
    );
    let changed = false;
    await Promise.all(
      [...sites].map(async (site_id) => {
        try {
          const p = await api.personnel(site_id);
          for (const c of p.underground) if (c.name && cards.get(`${site_id}/${c.card_id}`) !== c.name) cards.set(`${site_id}/${c.card_id}`, c.name), (changed = true);
          for (const a of p.areas) if (areas.get(`${site_id}/${a.area_id}`) !== a.name) areas.set(`${site_id}/${a.area_id}`, a.name), (changed = true);
        } catch {
          /* no positioning or not reachable: ids stay */
        }
      }),
    );
    if (changed) {
      version++;
      listeners.forEach((l) => l());
    }
    running = false;
    clearTimeout(timer);
    if (!stopped) timer = setTimeout(() => void tick(), again ? 0 : POLL_MS);
    again = false;
  };
  void tick();
  const offAlert = book.onAlert((a) => {
    if (!PERSONNEL_TYPES.has(a.type)) return;
    clearTimeout(timer);
    void tick();
  });
  return () => {
    stopped = true;
    offAlert();
    clearTimeout(timer);
  };
}
