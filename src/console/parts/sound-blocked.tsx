/** The banner shown while the browser blocks the alarm sound (after a reload there was no click): one click unlocks it. */
import { t } from '../format/i18n.js';
import { unlockAudio } from '../live/sound.js';

export function SoundBlocked() {
  return (
    <button class="sound-blocked" role="alert" onClick={() => unlockAudio()}>
      {t('sound_blocked_banner')}
    </button>
  );
}
