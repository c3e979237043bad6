import { useTranslation } from 'react-i18next';
import { type FragmentType, getFragmentData, graphql } from '../gql';
import { ServerDiff } from './DiffText';

export const ChangeListFields = graphql(`
  fragment ChangeList on SectionChange {
    kind
    moved
    old {
      id
      number
      title
    }
    new {
      id
      number
      title
    }
    diff {
      readableHtml
      fromTitle
      toTitle
    }
  }
`);

/** What changed between two snapshots, section by section: the text as readers see it, changes marked. */
export function ChangeList(props: { changes: readonly FragmentType<typeof ChangeListFields>[] }) {
  const { t } = useTranslation();
  const changes = getFragmentData(ChangeListFields, props.changes);
  const changed = changes.filter((change) => change.kind !== 'UNCHANGED');
  if (changed.length === 0) return <p>{t('snapshots.noChanges')}</p>;
  return (
    <ol className="change-list" aria-live="polite">
      {changed.map((change) => {
        const title = change.new?.title ?? change.old?.title ?? '';
        return (
          <li key={`${change.old?.id ?? ''}:${change.new?.id ?? ''}`} className="change">
            <h3 className="change__title">
              {title} <span className={`tag tag--change-${change.kind.toLowerCase()}`}>{t(`snapshots.kind.${change.kind as 'ADDED'}`)}</span>
              {change.moved && change.kind !== 'MOVED' && <span className="tag tag--change-moved">{t('snapshots.kind.MOVED')}</span>}
            </h3>
            {change.old && change.new && (
              <p className="muted">{t('snapshots.versions', { from: change.old.number, to: change.new.number })}</p>
            )}
            {change.diff && change.kind !== 'ADDED' && change.kind !== 'REMOVED' && <ServerDiff html={change.diff.readableHtml} />}
          </li>
        );
      })}
    </ol>
  );
}
