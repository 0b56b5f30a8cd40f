/** Re-renders when the live points poll brings new values. */
import { useEffect, useState } from 'preact/hooks';
import type { LivePoints } from './live-points.js';

export function useLive(live: LivePoints): number {
  const [version, setVersion] = useState(live.version);
  useEffect(() => live.subscribe(() => setVersion(live.version)), [live]);
  return version;
}
