/** The banner shown while the browser blocks the alarm sound (after a reload there was no click): one click unlocks it. */
import { t } from '../format/i18n.js';
import { unlockAudio } from '../live/sound.js';

export function SoundBlocked() {
  return (
    // biome-ignore lint/a11y/noInteractiveElementToNoninteractiveRole: the banner is announced (role alert) and is itself the one click that unlocks the sound
    <button type="button" class="sound-blocked" role="alert" onClick={() => unlockAudio()}>
      {t('sound_blocked_banner')}
    </button>
  );
}
