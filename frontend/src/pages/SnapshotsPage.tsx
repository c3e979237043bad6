import type { TFunction } from 'i18next';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams, useSearchParams } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { ServerDiff } from '../components/DiffText';
import { DocumentHeader } from '../components/DocumentHeader';
import { ExportLinks } from '../components/ExportLinks';
import { QueryError } from '../components/errors';
import { InlineProblems, type Problems, SelectField, StatusMessage, noProblems, outcomeProblems, requestProblems } from '../components/forms';
import { Loading, usePageTitle } from '../components/page';
import { TextField } from '../components/TextField';
import { DateTime } from '../datetime';
import { graphql } from '../gql';
import { DocumentNotFound } from './DocumentPage';

const SnapshotsQuery = graphql(`
  query Snapshots($slug: String!) {
    document(slug: $slug) {
      id
      viewerCan {
        snapshot
      }
      snapshots {
        id
        number
        label
        createdAt
        fingerprint
        createdBy {
          id
          name
        }
        sections {
          id
        }
      }
      ...DocumentHeader
    }
  }
`);

const CompareQuery = graphql(`
  query CompareSnapshots($to: ID!, $from: ID!) {
    node(id: $to) {
      __typename
      ... on Snapshot {
        id
        changesSince(snapshotId: $from) {
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
            html
            fromTitle
            toTitle
          }
        }
      }
    }
  }
`);

const CreateSnapshotMutation = graphql(`
  mutation CreateSnapshot($input: CreateSnapshotInput!) {
    createSnapshot(input: $input) {
      __typename
      ... on SnapshotCreated {
        snapshot {
          id
          number
          label
        }
      }
      ... on UserError {
        message
      }
      ... on InvalidInput {
        field
      }
    }
  }
`);

export function SnapshotsPage() {
  const { t } = useTranslation();
  const { slug = '' } = useParams();
  const [{ data, fetching, error }, refetch] = useQuery({ query: SnapshotsQuery, variables: { slug } });
  const document = data?.document;
  usePageTitle(t('snapshots.title'));

  if (error && !data) return <QueryError error={error} retry={() => refetch({ requestPolicy: 'network-only' })} />;
  if (fetching && !data) return <Loading />;
  if (!document) return <DocumentNotFound />;

  return (
    <>
      <DocumentHeader document={document} heading={t('snapshots.title')} />
      <p className="lead">{t('snapshots.intro')}</p>
      {document.viewerCan.snapshot && (
        <CreateSnapshotForm documentId={document.id} onCreated={() => refetch({ requestPolicy: 'network-only' })} />
      )}
      {document.snapshots.length === 0 ? (
        <p>{t('snapshots.none')}</p>
      ) : (
        <>
          <table className="table">
            <caption className="table__caption">{t('snapshots.listTitle')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('snapshots.number')}</th>
                <th scope="col">{t('snapshots.label')}</th>
                <th scope="col">{t('snapshots.created')}</th>
                <th scope="col">{t('snapshots.sections')}</th>
                <th scope="col">{t('snapshots.fingerprint')}</th>
                <th scope="col">{t('snapshots.download')}</th>
              </tr>
            </thead>
            <tbody>
              {document.snapshots.map((snapshot) => (
                <tr key={snapshot.id}>
                  <th scope="row">{snapshot.number}</th>
                  <td>{snapshot.label || <span className="muted">{t('snapshots.noLabel')}</span>}</td>
                  <td>
                    <DateTime value={snapshot.createdAt} />
                    {snapshot.createdBy && <span className="muted"> · {snapshot.createdBy.name}</span>}
                  </td>
                  <td>{snapshot.sections.length}</td>
                  <td>
                    <code title={snapshot.fingerprint}>{snapshot.fingerprint.slice(0, 12)}</code>
                  </td>
                  <td className="table__actions">
                    <SnapshotDownloads snapshot={snapshot} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {document.snapshots.length > 1 && <Compare snapshots={document.snapshots} />}
        </>
      )}
    </>
  );
}


function Compare({ snapshots }: { snapshots: readonly { id: string; number: number; label: string }[] }) {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  // Snapshots come newest first: by default compare the newest with the one before it.
  const [fromId, setFromId] = useState(params.get('from') ?? snapshots[1]?.id ?? '');
  const [toId, setToId] = useState(params.get('to') ?? snapshots[0]?.id ?? '');
  const chosen = { from: params.get('from'), to: params.get('to') };
  const [{ data, fetching, error }] = useQuery({
    query: CompareQuery,
    variables: { from: chosen.from ?? '', to: chosen.to ?? '' },
    pause: !chosen.from || !chosen.to,
  });
  const changes = data?.node?.__typename === 'Snapshot' ? data.node.changesSince : null;

  return (
    <section aria-labelledby="compare-title" className="panel">
      <h2 id="compare-title">{t('snapshots.compareTitle')}</h2>
      <form
        className="inline-fields"
        onSubmit={(event: FormEvent) => {
          event.preventDefault();
          setParams({ from: fromId, to: toId });
        }}
      >
        <SelectField id="compare-from" label={t('snapshots.from')} value={fromId} onChange={(event) => setFromId(event.target.value)}>
          {snapshots.map((s) => (
            <option key={s.id} value={s.id}>
              {snapshotName(t, s)}
            </option>
          ))}
        </SelectField>
        <SelectField id="compare-to" label={t('snapshots.to')} value={toId} onChange={(event) => setToId(event.target.value)}>
          {snapshots.map((s) => (
            <option key={s.id} value={s.id}>
              {snapshotName(t, s)}
            </option>
          ))}
        </SelectField>
        <button type="submit" className="button button--secondary">
          {t('snapshots.compare')}
        </button>
      </form>
      {error && <QueryError error={error} />}
      {fetching && <Loading />}
      {changes && <ChangeList changes={changes} />}
    </section>
  );
}

type Change = {
  kind: string;
  moved: boolean;
  old: { id: string; number: number; title: string } | null;
  new: { id: string; number: number; title: string } | null;
  diff: { html: string; fromTitle: string; toTitle: string } | null;
};

export function ChangeList({ changes }: { changes: readonly Change[] }) {
  const { t } = useTranslation();
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
            {change.diff && change.kind !== 'ADDED' && change.kind !== 'REMOVED' && <ServerDiff html={change.diff.html} />}
          </li>
        );
      })}
    </ol>
  );
}

function CreateSnapshotForm({ documentId, onCreated }: { documentId: string; onCreated: () => void }) {
  const { t } = useTranslation();
  const [label, setLabel] = useState('');
  const [problems, setProblems] = useState<Problems>(noProblems);
  const [done, setDone] = useState('');
  const [{ fetching }, create] = useMutation(CreateSnapshotMutation);

  async function handleSubmit(event: FormEvent) {
    event.preventDefault();
    if (fetching) return;
    setDone('');
    const result = await create({ input: { documentId, label } });
    const outcome = result.data?.createSnapshot;
    if (!outcome) return setProblems(requestProblems(result.error, t));
    if (outcome.__typename === 'SnapshotCreated') {
      setProblems(noProblems);
      setLabel('');
      setDone(t('snapshots.createdDone', { number: outcome.snapshot.number }));
      onCreated();
    } else {
      setProblems(outcomeProblems(outcome, { label: 'snapshot-label' }));
    }
  }

  return (
    <form className="panel" onSubmit={(event) => void handleSubmit(event)} noValidate aria-labelledby="create-snapshot-title">
      <h2 id="create-snapshot-title">{t('snapshots.createTitle')}</h2>
      <InlineProblems problems={problems} />
      {done && <StatusMessage focus>{done}</StatusMessage>}
      <TextField
        id="snapshot-label"
        label={t('snapshots.labelField')}
        hint={t('snapshots.labelHint')}
        value={label}
        onChange={(event) => setLabel(event.target.value)}
        error={problems.fields.label}
      />
      <button type="submit" className="button" aria-disabled={fetching || undefined}>
        {t('snapshots.create')}
      </button>
    </form>
  );
}

/** "Udgave 2 – Høringsudkast", or "Udgave 2" without a label. */
export function snapshotName(t: TFunction, snapshot: { number: number; label: string }): string {
  return snapshot.label
    ? t('snapshots.nameWithLabel', { number: snapshot.number, label: snapshot.label })
    : t('snapshots.name', { number: snapshot.number });
}

function SnapshotDownloads({ snapshot }: { snapshot: { id: string; number: number; label: string } }) {
  const { t } = useTranslation();
  return <ExportLinks base={`/exports/snapshots/${encodeURIComponent(snapshot.id)}`} subject={snapshotName(t, snapshot)} withComments />;
}
