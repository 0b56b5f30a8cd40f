/**
 * The printable daily report (安全监控日报表, standards.md §1.7: printed every day for the mine head
 * and chief engineer): A4 portrait, zh-CN, the mine's name and date, the figures of every point,
 * the events with their handling notes (处理措施), and signature lines for 监测工, 值班长 and
 * 总工程师. Opened at #/print/daily?site=…&date=…; the browser's print (or PDF) prints only this.
 */
import '../reports.css';
import { useEffect, useState } from 'preact/hooks';
import { type DailyReport, clock, getJson, hms } from '../live/report-types.js';

const CATEGORY: Record<string, string> = { alarm: '报警', power_off: '断电', feed_abnormal: '馈电异常' };
const LEVEL: Record<string, string> = { blue: '蓝', yellow: '黄', orange: '橙', red: '红' };
const num = (v: number | null | undefined, digits = 3): string => (v === null || v === undefined ? '—' : String(Math.round(v * 10 ** digits) / 10 ** digits));
const tally = (t: { count: number; duration_s: number }): string => (t.count === 0 ? '0' : `${t.count} / ${hms(t.duration_s)}`);
const limitText = (p: DailyReport['analog'][number]): string => p.limits.map((l) => `${l.action === 'power_off' ? '断电' : '报警'}${l.direction === 'high' ? '≥' : '≤'}${l.set}`).join(' ') || '—';

export function printRoute(hash: string): { site: string; date: string } | undefined {
  const m = /^#\/print\/daily\?(.*)$/.exec(hash);
  if (!m) return undefined;
  const q = new URLSearchParams(m[1]);
  const site = q.get('site');
  const date = q.get('date');
  return site && date ? { site, date } : undefined;
}

export function DailyPrint({ token, site, date }: { token: string; site: string; date: string }) {
  const [report, setReport] = useState<DailyReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    document.documentElement.classList.add('printing');
    getJson<DailyReport>(token, `/api/v1/sites/${encodeURIComponent(site)}/reports/daily?date=${encodeURIComponent(date)}`).then(setReport, (e: Error) => setError(e.message));
    return () => document.documentElement.classList.remove('printing');
  }, [token, site, date]);
  if (error)
    return (
      <div class="daily-print" data-error={error}>
        日报表无法生成：{error}
      </div>
    );
  if (!report) return <div class="daily-print">正在生成日报表…</div>;
  return <DailyPage r={report} />;
}

function DailyPage({ r }: { r: DailyReport }) {
  const offline = r.devices.filter((d) => d.offline_s > 0);
  return (
    <article class="daily-print" data-ready="1" lang="zh-CN">
      <nav class="print-tools">
        <button type="button" onClick={() => window.print()}>
          打印
        </button>
        <button type="button" onClick={() => history.back()}>
          返回
        </button>
      </nav>
      <header>
        <h1>{r.site_name}</h1>
        <h2>安全监控日报表</h2>
        <p class="meta">
          <span>日期：{r.date}</span>
          {r.enterprise_name && <span>企业：{r.enterprise_name}</span>}
          {r.region_code && (
            <span>
              区划：{[r.province, r.city].filter(Boolean).join(' ')} {r.region_code}
            </span>
          )}
          <span>
            生成：{r.generated_at.slice(0, 19).replace('T', ' ')}
            {r.complete ? '' : '（当日未结束）'}
          </span>
        </p>
        <p class="totals">
          报警 {tally(r.totals.alarms)}　断电 {tally(r.totals.power_offs)}　馈电异常 {tally(r.totals.feed_abnormal)}（次数 / 累计时长）
        </p>
      </header>
      <h3>一、模拟量测点</h3>
      <table>
        <thead>
          <tr>
            <th>测点</th>
            <th>安装地点</th>
            <th>单位</th>
            <th>门限</th>
            <th>最大值</th>
            <th>时刻</th>
            <th>最小值</th>
            <th>时刻</th>
            <th>平均值</th>
            <th>报警</th>
            <th>断电</th>
            <th>馈电异常</th>
          </tr>
        </thead>
        <tbody>
          {r.analog.map((p) => (
            <tr key={p.point_id}>
              <td>{p.point_id}</td>
              <td>{p.location}</td>
              <td>{p.unit}</td>
              <td>{limitText(p)}</td>
              <td class="n">{num(p.max)}</td>
              <td>{clock(p.max_at)}</td>
              <td class="n">{num(p.min)}</td>
              <td>{clock(p.min_at)}</td>
              <td class="n">{p.total !== undefined && p.total !== null ? `Σ${num(p.total)}` : num(p.avg)}</td>
              <td>{tally(p.alarms)}</td>
              <td>{tally(p.power_offs)}</td>
              <td>{tally(p.feed_abnormal)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {r.switches.length > 0 && <SwitchTable r={r} />}
      <h3>三、报警、断电、馈电异常及处理措施</h3>
      {r.events.length === 0 ? (
        <p>无</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>类别</th>
              <th>测点</th>
              <th>级别</th>
              <th>开始</th>
              <th>结束</th>
              <th>时长</th>
              <th>最大值</th>
              <th>处理措施</th>
              <th>处理人</th>
            </tr>
          </thead>
          <tbody>
            {r.events.map((e) => (
              <tr key={e.alarm_id}>
                <td>
                  {CATEGORY[e.category ?? ''] ?? e.type}
                  {e.historical ? '（补传）' : ''}
                </td>
                <td>{e.point_id ?? '—'}</td>
                <td>{LEVEL[e.level] ?? e.level}</td>
                <td>{clock(e.raised_at)}</td>
                <td>{e.cleared_at ? clock(e.cleared_at) : '未解除'}</td>
                <td>{hms(e.duration_s)}</td>
                <td class="n">{num(e.max_value)}</td>
                <td class="note">{e.note ?? ''}</td>
                <td>{e.acked_by ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>四、设备离线与标校</h3>
      <p>离线设备：{offline.length === 0 ? '无' : offline.map((d) => `${d.name ?? d.device_id} ${d.offline_episodes} 次 ${hms(d.offline_s)}`).join('；')}</p>
      <p>标校（不计入统计）：{r.calibration.length === 0 ? '无' : r.calibration.map((c) => `${c.point_id} ${clock(c.from)}–${clock(c.to)}`).join('；')}</p>
      <footer class="signatures">
        <span>
          监测工：
          <i />
        </span>
        <span>
          值班长：
          <i />
        </span>
        <span>
          总工程师：
          <i />
        </span>
      </footer>
    </article>
  );
}

function SwitchTable({ r }: { r: DailyReport }) {
  return (
    <>
      <h3>二、开关量测点</h3>
      <table>
        <thead>
          <tr>
            <th>测点</th>
            <th>安装地点</th>
            <th>变化次数</th>
            <th>状态变化（时刻→状态）</th>
            <th>各状态时长</th>
          </tr>
        </thead>
        <tbody>
          {r.switches.map((s) => (
            <tr key={s.point_id}>
              <td>{s.point_id}</td>
              <td>{s.location}</td>
              <td class="n">{Math.max(0, s.changes.length - 1)}</td>
              <td class="note">
                {s.changes
                  .slice(0, 12)
                  .map((c) => `${clock(c.at)}→${c.value}`)
                  .join(' ')}
                {s.changes.length > 12 ? ' …' : ''}
              </td>
              <td>
                {Object.entries(s.time_in_state_s)
                  .map(([k, v]) => `${k}: ${hms(v)}`)
                  .join('，')}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
