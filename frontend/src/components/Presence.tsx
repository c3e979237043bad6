import { describePeople, type PresentPerson } from '../lib/presence';

/**
 * "Redigerer nu: Danske Regioner (Rasmus Region)". The line is a polite live region that is
 * always in the page (empty when nobody is there), so an arrival or a departure is read out
 * once, and a heartbeat that changes nothing changes nothing in the DOM either.
 */
export function PresenceLine({ label, people, className }: { label: string; people: readonly PresentPerson[]; className?: string }) {
  return (
    <p className={['presence', className ?? ''].filter(Boolean).join(' ')} aria-live="polite" aria-atomic="true">
      {people.length > 0 && (
        <>
          <span className="presence__dot" aria-hidden="true" />
          <span className="presence__label">{label}</span> {describePeople(people)}
        </>
      )}
    </p>
  );
}
