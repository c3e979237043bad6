import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DateTime } from '../datetime';
import { useServerClockOffset } from '../lib/serverClock';

/**
 * "4. december 2026 kl. 12.00 (om 3 dage og 4 timer)": the deadline in Copenhagen time, and how
 * long is left by the server's clock (the browser's corrected by `serverTime`).
 */
export function Countdown({ deadline }: { deadline: string }) {
  const { t } = useTranslation();
  const skew = useServerClockOffset();
  const [browserNow, setNow] = useState(() => Date.now());
  const now = browserNow + skew;
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 30_000);
    return () => window.clearInterval(timer);
  }, []);
  const left = new Date(deadline).getTime() - now;
  let remaining: string;
  if (left <= 0) {
    remaining = t('countdown.passed');
  } else {
    const minutes = Math.floor(left / 60_000);
    const days = Math.floor(minutes / 1440);
    const hours = Math.floor((minutes % 1440) / 60);
    const mins = minutes % 60;
    remaining =
      days > 0
        ? t('countdown.daysHours', { days: t('countdown.days', { count: days }), hours: t('countdown.hours', { count: hours }) })
        : hours > 0
          ? t('countdown.hoursMinutes', { hours: t('countdown.hours', { count: hours }), minutes: t('countdown.minutes', { count: mins }) })
          : t('countdown.only', { minutes: t('countdown.minutes', { count: Math.max(mins, 1) }) });
  }
  return (
    <span className={left > 0 && left < 86_400_000 ? 'countdown countdown--soon' : 'countdown'}>
      <DateTime value={deadline} /> <span className="countdown__left">({remaining})</span>
    </span>
  );
}
