/** The row of site buttons above the points and devices views. */
import { useSession } from '../live/context.js';

export function SitePicker({ site, onSite }: { site: string; onSite(site_id: string): void }) {
  const { sites } = useSession();
  return (
    <div class="site-picker">
      {sites.map((s) => (
        <button type="button" key={s.site_id} class={s.site_id === site ? 'current' : ''} data-site-id={s.site_id} onClick={() => onSite(s.site_id)}>
          {s.name}
        </button>
      ))}
    </div>
  );
}
