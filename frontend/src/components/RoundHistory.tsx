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
  const entries: { at: string; key: string; content: ReactNode }[] = [
    { at: round.openedAt, key: 'opened', content: t('approval.historyOpened', { name: round.openedBy?.name ?? '–' }) },
    ...round.history.map((entry, index) => ({
      at: entry.decidedAt,
      key: `decision-${index}`,
      content: (
        <>
          <strong>{entry.organization?.shortName ?? '–'}</strong> ({entry.decidedBy?.name ?? '–'}): <DecisionTag decision={entry.decision} />
          {entry.remarks && <> – {entry.remarks}</>}
        </>
      ),
    })),
    ...round.boardMarks.map((mark, index) => ({
      at: mark.at,
      key: `board-${index}`,
      content: (
        <>
          <strong>{mark.organization?.shortName ?? '–'}</strong>: {mark.awaiting ? t('approval.historyAwaiting') : t('approval.historyNotAwaiting')}
          {mark.note && <> – {mark.note}</>}
        </>
      ),
    })),
    ...round.extensions.map((extension, index) => ({
      at: extension.at,
      key: `extension-${index}`,
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
