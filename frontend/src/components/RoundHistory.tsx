import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { DateTime } from '../datetime';
import { type FragmentType, getFragmentData, graphql } from '../gql';
import { DecisionTag } from './ApprovalTags';

export const RoundHistoryFields = graphql(`
  fragment RoundHistory on ApprovalRound {
    openedAt
    openedBy {
      id
      name
    }
    history {
      decision
      remarks
      decidedAt
      organization {
        id
        shortName
      }
      decidedBy {
        id
        name
      }
    }
    boardMarks {
      awaiting
      note
      at
      organization {
        id
        shortName
      }
      by {
        id
        name
      }
    }
    extensions {
      deadline
      reason
      at
      by {
        id
        name
      }
    }
  }
`);

/** A written procedure's history: opened, each decision, board marks and extensions, oldest first. */
export function RoundHistory(props: { round: FragmentType<typeof RoundHistoryFields> }) {
  const { t } = useTranslation();
  const round = getFragmentData(RoundHistoryFields, props.round);
  const entries: HistoryEntry[] = [
    { at: round.openedAt, key: 'opened', content: t('approval.historyOpened', { name: round.openedBy?.name ?? '–' }) },
    ...entriesOf(round.history, 'decision', (entry) => ({
      at: entry.decidedAt,
      content: (
        <>
          <strong>{entry.organization?.shortName ?? '–'}</strong> ({entry.decidedBy?.name ?? '–'}): <DecisionTag decision={entry.decision} />
          {entry.remarks && <> – {entry.remarks}</>}
        </>
      ),
    })),
    ...entriesOf(round.boardMarks, 'board', (mark) => ({
      at: mark.at,
      content: (
        <>
          <strong>{mark.organization?.shortName ?? '–'}</strong>: {mark.awaiting ? t('approval.historyAwaiting') : t('approval.historyNotAwaiting')}
          {mark.note && <> – {mark.note}</>}
        </>
      ),
    })),
    ...entriesOf(round.extensions, 'extension', (extension) => ({
      at: extension.at,
      content: (
        <>
          {t('approval.historyExtended', { name: extension.by?.name ?? '–' })} <DateTime value={extension.deadline} /> – {extension.reason}
        </>
      ),
    })),
  ].sort((a, b) => a.at.localeCompare(b.at));
  return (
    <section aria-labelledby="history-title">
      <h2 id="history-title">{t('approval.history')}</h2>
      <ol className="activity">
        {entries.map((entry) => (
          <li key={entry.key} className="activity__item">
            <p className="activity__when">
              <DateTime value={entry.at} />
            </p>
            <p className="activity__what">{entry.content}</p>
          </li>
        ))}
      </ol>
    </section>
  );
}

interface HistoryEntry {
  at: string;
  key: string;
  content: ReactNode;
}

/** The history entries of one kind of event, keyed by kind and place. */
function entriesOf<T>(items: readonly T[], kind: string, entry: (item: T) => { at: string; content: ReactNode }): HistoryEntry[] {
  return items.map((item, index) => ({ ...entry(item), key: `${kind}-${index}` }));
}
