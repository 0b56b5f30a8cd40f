/** Re-renders when names of people or areas arrive (src/console/people.ts). */
import { useEffect, useState } from 'preact/hooks';
import { onPeople, peopleVersion } from '../format/people.js';

export function usePeopleVersion(): number {
  const [version, setVersion] = useState(peopleVersion());
  useEffect(() => onPeople(() => setVersion(peopleVersion())), []);
  return version;
}
