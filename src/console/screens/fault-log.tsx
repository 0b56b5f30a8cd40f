/** The device fault log of the last 24 h (24 小时值守; GET /api/v1/sites/{site_id}/faults): episodes open over 7 days in red (GB 39496: repair within 7 days). */
import { useSession } from '../live/context.js';
import { usePoll } from '../live/hooks.js';
import { getJson, hms } from '../live/report-types.js';

interface Episode {
  alarm_id: string;
  type: string;
  cause: string | null;
  device_id: string | null;
  point_id: string | null;
  start: string | null;
  end: string | null;
  duration_s: number;
  over_repair_limit: boolean;
  note: string | null;
}

const when = (iso: string | null): string => (iso ? iso.slice(5, 19).replace('T', ' ') : '未恢复');

export function FaultLog({ site }: { site: string }) {
  const { api } = useSession();
  const log = usePoll(() => getJson<{ episodes: Episode[] }>(api.token, `/api/v1/sites/${encodeURIComponent(site)}/faults`), 30_000, [site]);
  const episodes = log.data?.episodes ?? [];
  return (
    <div class="fault-log">
      <h3>设备故障记录（24 小时）</h3>
      {episodes.length === 0 ? (
        <p>{log.data ? '无' : '…'}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>设备 / 测点</th>
              <th>类型</th>
              <th>原因</th>
              <th>开始</th>
              <th>结束</th>
              <th>时长</th>
              <th>处理措施</th>
            </tr>
          </thead>
          <tbody>
            {episodes.map((e) => (
              <tr key={e.alarm_id} class={e.over_repair_limit ? 'below' : ''} data-alarm-id={e.alarm_id}>
                <td>{e.point_id ?? e.device_id ?? '—'}</td>
                <td>{e.type === 'offline' ? '断线' : '故障'}</td>
                <td>{e.cause ?? ''}</td>
                <td>{when(e.start)}</td>
                <td>{when(e.end)}</td>
                <td>{hms(e.duration_s)}</td>
                <td>{e.note ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
