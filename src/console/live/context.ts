/** What every view of a signed-in console shares: the API client, who is signed in, the sites and their points. */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { Api } from './api.js';
import type { Device, Point, Site, Whoami } from '../types.js';

export interface Session {
  api: Api;
  me: Whoami;
  sites: Site[];
  /** Points of every visible site by site and point id: location, unit and limits for the alarm feed. */
  points: Map<string, Map<string, Point>>;
  /** Devices of every visible site (names and locations for device alarms), as at sign-in. */
  devices: Map<string, Map<string, Device>>;
}

/** Signs in: checks the token (GET /api/v1/whoami) and loads the sites and their points. */
export async function openSession(token: string): Promise<Session> {
  const api = new Api(token);
  const me = await api.whoami();
  const sites = await api.sites();
  const [lists, deviceLists] = await Promise.all([Promise.all(sites.map((s) => api.points(s.site_id))), Promise.all(sites.map((s) => api.devices(s.site_id)))]);
  const points = new Map(sites.map((s, i) => [s.site_id, new Map((lists[i] ?? []).map((p) => [p.point_id, p]))]));
  const devices = new Map(sites.map((s, i) => [s.site_id, new Map((deviceLists[i] ?? []).map((d) => [d.device_id, d]))]));
  return { api, me, sites, points, devices };
}

export const canAcknowledge = (me: Whoami): boolean => me.role === 'operator' || me.role === 'admin';

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside a signed-in console');
  return s;
}

export const siteName = (s: Session, site_id: string): string => s.sites.find((x) => x.site_id === site_id)?.name ?? site_id;
