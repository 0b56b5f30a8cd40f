/**
 * The live values of points, polled every 2 s (GET …/points) for the sites that need them: the
 * site on the points screen and every site with an active point alarm (the feed shows their
 * current value and peak). One poll per site, shared by every view.
 */
import type { Api } from './api.js';
import type { Point } from '../types.js';

export const POINTS_POLL_MS = 2000;

export class LivePoints {
  private readonly bySite = new Map<string, Point[]>();
  private readonly index = new Map<string, Map<string, Point>>();
  private readonly errors = new Map<string, string>();
  private readonly listeners = new Set<() => void>();
  private wanted: () => Iterable<string> = () => [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  version = 0;

  constructor(private readonly api: Api) {}

  start(wanted: () => Iterable<string>): void {
    this.wanted = wanted;
    this.stopped = false;
    void this.tick();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** Poll now (a site was just chosen). */
  refresh(): void {
    clearTimeout(this.timer);
    void this.tick();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  list(site_id: string): Point[] | undefined {
    return this.bySite.get(site_id);
  }

  get(site_id: string, point_id: string): Point | undefined {
    return this.index.get(site_id)?.get(point_id);
  }

  error(site_id: string): string | undefined {
    return this.errors.get(site_id);
  }

  private async tick(): Promise<void> {
    const sites = [...new Set(this.wanted())];
    await Promise.all(
      sites.map(async (site_id) => {
        try {
          const points = await this.api.points(site_id);
          this.bySite.set(site_id, points);
          this.index.set(site_id, new Map(points.map((p) => [p.point_id, p])));
          this.errors.delete(site_id);
        } catch (err) {
          this.errors.set(site_id, (err as Error).message);
        }
      }),
    );
    if (this.stopped) return;
    this.version++;
    for (const l of this.listeners) l();
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), POINTS_POLL_MS);
  }
}
