/**
 * One map (一张图): the visible sites plotted on their own coordinates (GET /api/v1/map), coloured
 * by their worst active alarm level, with the online rate. Works on a private network: no tile
 * server and no online map service, only a degree grid drawn here.
 */
import '../reports.css';
import { useSession } from '../live/context.js';
import { usePoll } from '../live/hooks.js';
import { type MapFeature, getJson, percent } from '../live/report-types.js';

const W = 800;
const H = 480;
const PAD = 40;

interface Frame {
  x(lon: number): number;
  y(lat: number): number;
  lons: number[];
  lats: number[];
}

/** Equirectangular over the sites' bounds (at least 2° wide), longitude scaled by cos(latitude). */
function frame(points: number[][]): Frame {
  const lon = points.map((p) => p[0] as number);
  const lat = points.map((p) => p[1] as number);
  const mid = (a: number[]) => (Math.min(...a) + Math.max(...a)) / 2;
  const k = Math.cos((mid(lat) * Math.PI) / 180);
  const spanLon = Math.max(2, Math.max(...lon) - Math.min(...lon)) * 1.2;
  const spanLat = Math.max(2, Math.max(...lat) - Math.min(...lat)) * 1.2;
  const scale = Math.min((W - 2 * PAD) / (spanLon * k), (H - 2 * PAD) / spanLat);
  const [cx, cy] = [mid(lon), mid(lat)];
  const x = (l: number) => W / 2 + (l - cx) * k * scale;
  const y = (l: number) => H / 2 - (l - cy) * scale;
  const range = (c: number, half: number) => [...Array(Math.ceil(2 * half) + 3).keys()].map((i) => Math.floor(c - half) - 1 + i);
  return { x, y, lons: range(cx, W / 2 / (k * scale)), lats: range(cy, H / 2 / scale) };
}

export function SiteMap() {
  const { api } = useSession();
  const map = usePoll(() => getJson<{ features: MapFeature[] }>(api.token, '/api/v1/map'), 30_000, []);
  const features = map.data?.features ?? [];
  const placed = features.filter((f) => f.geometry);
  const f = placed.length ? frame(placed.map((p) => p.geometry?.coordinates as number[])) : undefined;
  return (
    <div class="site-map">
      {f && (
        <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label="sites">
          {f.lons.map((l) => (
            <line key={`x${l}`} class="grid" x1={f.x(l)} x2={f.x(l)} y1={0} y2={H} />
          ))}
          {f.lats.map((l) => (
            <line key={`y${l}`} class="grid" y1={f.y(l)} y2={f.y(l)} x1={0} x2={W} />
          ))}
          {f.lons.map((l) => (
            <text key={`tx${l}`} x={f.x(l) + 2} y={H - 4} opacity={0.5}>
              {l}°E
            </text>
          ))}
          {f.lats.map((l) => (
            <text key={`ty${l}`} x={2} y={f.y(l) - 2} opacity={0.5}>
              {l}°N
            </text>
          ))}
          {placed.map((s) => {
            const [lon, lat] = (s.geometry?.coordinates ?? [Number.NaN, Number.NaN]) as [number, number];
            return (
              <g key={s.id} data-site-id={s.id}>
                <circle cx={f.x(lon)} cy={f.y(lat)} r={9} class={`lvl-${s.properties.worst_level ?? 'none'}`} />
                <text x={f.x(lon) + 12} y={f.y(lat) + 4}>
                  {s.properties.name} · {percent(s.properties.online_rate)}
                </text>
              </g>
            );
          })}
        </svg>
      )}
      <table>
        <tbody>
          {features.map((s) => (
            <tr key={s.id} data-site-id={s.id}>
              <td>{s.properties.name}</td>
              <td>{s.properties.city ?? ''}</td>
              <td>{s.geometry ? s.geometry.coordinates.join(', ') : '—'}</td>
              <td>{s.properties.worst_level ?? '—'}</td>
              <td class={s.properties.online_rate !== null && s.properties.online_rate < 0.8 ? 'below' : ''}>{percent(s.properties.online_rate)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
