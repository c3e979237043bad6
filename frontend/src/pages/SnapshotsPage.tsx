import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import { ChangeList } from '../components/ChangeList';
import { DocumentHeader } from '../components/DocumentHeader';
import { ExportLinks } from '../components/ExportLinks';
import { QueryError } from '../components/errors';
import { InlineProblems, StatusMessage, SubmitButton, boundField, noProblems, submitHandler, useFormMutation } from '../components/forms';
import { Loading, TableHead, Panel, usePageTitle } from '../components/page';
import { SnapshotField } from '../components/SnapshotField';
import { TextField } from '../components/TextField';
import { DateTime } from '../datetime';
import { graphql } from '../gql';
import { snapshotName } from '../lib/snapshotName';
import { useDocumentPage } from './DocumentPage';

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
          ...ChangeList
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
      ...UserError
    }
  }
`);

export function SnapshotsPage() {
  const { t } = useTranslation();
  const { document, refresh, gate } = useDocumentPage(SnapshotsQuery);
  usePageTitle(t('snapshots.title'));

  if (!document) return gate;

  return (
    <>
      <DocumentHeader document={document} heading={t('snapshots.title')} />
      <p className="lead">{t('snapshots.intro')}</p>
      {document.viewerCan.snapshot && (
        <CreateSnapshotForm documentId={document.id} onCreated={refresh} />
      )}
      {document.snapshots.length === 0 ? (
        <p>{t('snapshots.none')}</p>
      ) : (
        <>
          <table className="table">
            <caption className="table__caption">{t('snapshots.listTitle')}</caption>
            <TableHead columns={[t('snapshots.number'), t('snapshots.label'), t('snapshots.created'), t('snapshots.sections'), t('snapshots.fingerprint'), t('snapshots.download')]} />
            <tbody>
              {document.snapshots.map((snapshot) => (
                <tr key={snapshot.id}>
                  <th scope="row" data-label={t('snapshots.number')}>
                    {snapshot.number}
                  </th>
                  <td data-label={t('snapshots.label')}>{snapshot.label || <span className="muted">{t('snapshots.noLabel')}</span>}</td>
                  <td data-label={t('snapshots.created')}>
                    <DateTime value={snapshot.createdAt} />
                    {snapshot.createdBy && <span className="muted"> · {snapshot.createdBy.name}</span>}
                  </td>
                  <td data-label={t('snapshots.sections')}>{snapshot.sections.length}</td>
                  <td data-label={t('snapshots.fingerprint')}>
                    <code title={snapshot.fingerprint}>{snapshot.fingerprint.slice(0, 12)}</code>
                  </td>
                  <td className="table__actions" data-label={t('snapshots.download')}>
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

const compareIds = { from: 'compare-from', to: 'compare-to' };

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
    <Panel id="compare-title" title={t('snapshots.compareTitle')}>
      <form
        className="inline-fields"
        onSubmit={submitHandler(false, () => setParams({ from: fromId, to: toId }))}
      >
        <SnapshotField {...boundField('from', [fromId, setFromId], noProblems, compareIds)} label={t('snapshots.from')} snapshots={snapshots} />
        <SnapshotField {...boundField('to', [toId, setToId], noProblems, compareIds)} label={t('snapshots.to')} snapshots={snapshots} />
        <button type="submit" className="button button--secondary">
          {t('snapshots.compare')}
        </button>
      </form>
      {error && <QueryError error={error} />}
      {fetching && <Loading />}
      {changes && <ChangeList changes={changes} />}
    </Panel>
  );
}

function CreateSnapshotForm({ documentId, onCreated }: { documentId: string; onCreated: () => void }) {
  const { t } = useTranslation();
  const [label, setLabel] = useState('');
  const [done, setDone] = useState('');
  const create = useFormMutation(CreateSnapshotMutation, 'createSnapshot', 'SnapshotCreated', { fieldIds: { label: 'snapshot-label' } });
  const { problems } = create;

  async function handleSubmit() {
    setDone('');
    const created = await create.run({ input: { documentId, label } });
    if (!created) return;
    setLabel('');
    setDone(t('snapshots.createdDone', { number: created.snapshot.number }));
    onCreated();
  }

  return (
    <form className="panel" onSubmit={create.onSubmit(handleSubmit)} noValidate aria-labelledby="create-snapshot-title">
      <h2 id="create-snapshot-title">{t('snapshots.createTitle')}</h2>
      <InlineProblems problems={problems} />
      {done && <StatusMessage focus>{done}</StatusMessage>}
      <TextField {...create.field('label', [label, setLabel])} label={t('snapshots.labelField')} hint={t('snapshots.labelHint')} />
      <SubmitButton busy={create.fetching}>{t('snapshots.create')}</SubmitButton>
    </form>
  );
}

function SnapshotDownloads({ snapshot }: { snapshot: { id: string; number: number; label: string } }) {
  const { t } = useTranslation();
  return <ExportLinks base={`/exports/snapshots/${encodeURIComponent(snapshot.id)}`} subject={snapshotName(t, snapshot)} withComments />;
}
