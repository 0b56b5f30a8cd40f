/** The report tab: pick a site and a day, open the printable daily report (日报表) or download it as CSV. */
import '../reports.css';
import { useState } from 'preact/hooks';
import { useSession } from '../live/context.js';
import { FaultLog } from './fault-log.js';
import { SitePicker } from '../parts/site-picker.js';

const yesterday = (): string => new Date(Date.now() + 8 * 3_600_000 - 86_400_000).toISOString().slice(0, 10);

export function ReportsView({ site, onSite }: { site: string; onSite(site_id: string): void }) {
  const { api } = useSession();
  const [date, setDate] = useState(yesterday());
  const print = () => {
    location.hash = `#/print/daily?site=${encodeURIComponent(site)}&date=${date}`;
  };
  const csv = async () => {
    const res = await fetch(`/api/v1/sites/${encodeURIComponent(site)}/reports/daily?date=${date}&format=csv`, { headers: { authorization: `Bearer ${api.token}` } });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(await res.blob());
    a.download = `${site}_daily_${date}.csv`;
    a.click();
  };
  return (
    <div class="reports-view">
      <SitePicker site={site} onSite={onSite} />
      <div class="controls">
        <label>
          日期 <input type="date" value={date} onInput={(e) => setDate((e.target as HTMLInputElement).value)} />
        </label>
        <button type="button" data-action="print-daily" onClick={print}>
          日报表 · 打印
        </button>
        <button type="button" data-action="csv-daily" onClick={() => void csv()}>
          CSV
        </button>
      </div>
      <FaultLog site={site} />
    </div>
  );
}
