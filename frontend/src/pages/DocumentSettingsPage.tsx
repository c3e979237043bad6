import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DocumentHeader } from '../components/DocumentHeader';
import { DocxImportForm } from '../components/DocxImport';
import { CheckboxField } from '../components/choices';
import { InlineProblems, type Problems, SelectField, StatusMessage, noProblems, useFormMutation } from '../components/forms';
import { Panel, usePageTitle } from '../components/page';
import { graphql } from '../gql';
import type { Phase } from '../gql/graphql';
import { useDocumentPage } from './DocumentPage';

const DocumentSettingsQuery = graphql(`
  query DocumentSettings($slug: String!) {
    document(slug: $slug) {
      id
      phase
      viewerCan {
        manage
        edit
      }
      settings {
        directSubmission
        restrictCommentVisibility
      }
      participants {
        id
        name
      }
      sections(includeDeleted: true) {
        id
        title
        deleted
      }
      ...DocumentHeader
    }
    organizations {
      id
      name
    }
  }
`);

const SetPhaseMutation = graphql(`
  mutation SetDocumentPhase($input: SetDocumentPhaseInput!) {
    setDocumentPhase(input: $input) {
      __typename
      ... on DocumentPhaseChanged {
        document {
          id
          phase
        }
      }
      ...UserError
    }
  }
`);

/** What adding and removing a participant answer with: the document's participants as they are now. */
export const ParticipantsChangedFields = graphql(`
  fragment ParticipantsChangedDocument on ParticipantsChanged {
    document {
      id
      participants {
        id
        name
      }
    }
  }
`);

const AddParticipantMutation = graphql(`
  mutation AddParticipant($input: ChangeParticipantInput!) {
    addParticipant(input: $input) {
      __typename
      ...ParticipantsChangedDocument
      ...UserError
    }
  }
`);

const RemoveParticipantMutation = graphql(`
  mutation RemoveParticipant($input: ChangeParticipantInput!) {
    removeParticipant(input: $input) {
      __typename
      ...ParticipantsChangedDocument
      ...UserError
    }
  }
`);

const UpdateSettingsMutation = graphql(`
  mutation UpdateDocumentSettings($input: UpdateDocumentSettingsInput!) {
    updateDocumentSettings(input: $input) {
      __typename
      ... on DocumentSettingsUpdated {
        document {
          id
          settings {
            directSubmission
            restrictCommentVisibility
          }
        }
      }
      ...UserError
    }
  }
`);

const RestoreSectionMutation = graphql(`
  mutation RestoreSection($input: RestoreSectionInput!) {
    restoreSection(input: $input) {
      __typename
      ... on SectionRestored {
        section {
          id
          deleted
        }
      }
      ...UserError
    }
  }
`);

// Not CONSULTATION: that phase follows the document's consultation (the Høring page), never a hand.
const phases: readonly Phase[] = ['DRAFTING', 'WRITTEN_PROCESS', 'ARCHIVED'];

/** The secretariat's page for a document: phase, participants, comment settings, deleted sections. */
export function DocumentSettingsPage() {
  const { t } = useTranslation();
  const { data, document, refresh, gate } = useDocumentPage(DocumentSettingsQuery);
  // One message line for all the page's actions.
  const [problems, setProblems] = useState<Problems>(noProblems);
  const shared = { problems: [problems, setProblems] } as const;
  const [done, setDone] = useState('');
  const [phase, setPhase] = useState<Phase | ''>('');
  const [newParticipant, setNewParticipant] = useState('');
  const setDocumentPhase = useFormMutation(SetPhaseMutation, 'setDocumentPhase', 'DocumentPhaseChanged', shared);
  const addParticipant = useFormMutation(AddParticipantMutation, 'addParticipant', 'ParticipantsChanged', shared);
  const removeParticipant = useFormMutation(RemoveParticipantMutation, 'removeParticipant', 'ParticipantsChanged', shared);
  const updateSettings = useFormMutation(UpdateSettingsMutation, 'updateDocumentSettings', 'DocumentSettingsUpdated', shared);
  const restoreSection = useFormMutation(RestoreSectionMutation, 'restoreSection', 'SectionRestored', shared);
  usePageTitle(t('settings.title'));

  if (!document) return gate;
  const documentId = document.id;

  /** After a mutation's answer: the confirmation and fresh data, or (already shown) its problem. */
  async function confirm(answer: Promise<unknown>, message: string) {
    setDone('');
    if (!(await answer)) return;
    setDone(message);
    refresh();
  }

  const others = (data?.organizations ?? []).filter((org) => !document.participants.some((p) => p.id === org.id));
  const deleted = document.sections.filter((section) => section.deleted);
  return (
    <>
      <DocumentHeader document={document} heading={t('settings.title')} />
      <InlineProblems problems={problems} />
      {done && <StatusMessage focus>{done}</StatusMessage>}
      {document.viewerCan.manage && (
        <>
          <form
            className="panel"
            aria-labelledby="phase-title"
            onSubmit={setDocumentPhase.onSubmit(() => {
              const target = phase || document.phase;
              return confirm(
                setDocumentPhase.run({ input: { documentId, phase: target } }),
                t('settings.phaseChanged', { phase: t(`documents.phase.${target}`) }),
              );
            })}
          >
            <h2 id="phase-title">{t('settings.phase')}</h2>
            <SelectField
              id="document-phase"
              label={t('settings.phaseLabel')}
              value={phase || document.phase}
              onChange={(event) => setPhase(event.target.value as Phase)}
              options={[...new Set([document.phase, ...phases])].map((value) => ({ value, label: t(`documents.phase.${value}`) }))}
            />
            <p className="field__hint">{t('settings.phaseHint')}</p>
            <button type="submit" className="button button--secondary">
              {t('settings.changePhase')}
            </button>
          </form>

          <Panel id="participants-title" title={t('settings.participants')}>
            <ul className="plain-list">
              {document.participants.map((org) => (
                <li key={org.id}>
                  {org.name}{' '}
                  <button
                    type="button"
                    className="link-button"
                    onClick={() =>
                      void confirm(removeParticipant.run({ input: { documentId, organizationId: org.id } }), t('settings.removed', { name: org.name }))
                    }
                  >
                    {t('settings.remove')}
                    <span className="visually-hidden"> {org.name}</span>
                  </button>
                </li>
              ))}
            </ul>
            {others.length > 0 && (
              <form
                className="inline-fields"
                onSubmit={addParticipant.onSubmit(() => {
                  const org = others.find((o) => o.id === newParticipant);
                  if (org) return confirm(addParticipant.run({ input: { documentId, organizationId: org.id } }), t('settings.added', { name: org.name }));
                })}
              >
                <SelectField
                  id="new-participant"
                  label={t('settings.addLabel')}
                  value={newParticipant}
                  onChange={(event) => setNewParticipant(event.target.value)}
                  options={others.map((org) => ({ value: org.id, label: org.name }))}
                  blank={t('users.chooseOrganization')}
                />
                <button type="submit" className="button button--secondary">
                  {t('settings.add')}
                </button>
              </form>
            )}
          </Panel>

          <Panel id="import-title" title={t('imports.existingTitle')}>
            <p className="field__hint">{t('imports.existingIntro')}</p>
            <DocxImportForm documentId={documentId} onImported={refresh} />
          </Panel>

          <Panel id="comment-settings-title" title={t('settings.comments')}>
            {(
              [
                ['directSubmission', document.settings.directSubmission],
                ['restrictCommentVisibility', document.settings.restrictCommentVisibility],
              ] as const
            ).map(([name, value]) => (
              <CheckboxField
                key={name}
                hintId={`${name}-hint`}
                label={t(`settings.${name}`)}
                hint={t(`settings.${name}Hint`)}
                checked={value}
                onChange={(checked) => void confirm(updateSettings.run({ input: { documentId, [name]: checked } }), t('settings.saved'))}
              />
            ))}
          </Panel>
        </>
      )}
      {document.viewerCan.edit && (
        <Panel id="deleted-title" title={t('settings.deleted')}>
          {deleted.length === 0 ? (
            <p>{t('settings.noDeleted')}</p>
          ) : (
            <ul className="plain-list">
              {deleted.map((section) => (
                <li key={section.id}>
                  {section.title}{' '}
                  <button
                    type="button"
                    className="link-button"
                    onClick={() =>
                      void confirm(restoreSection.run({ input: { sectionId: section.id } }), t('settings.sectionRestored', { title: section.title }))
                    }
                  >
                    {t('settings.restore')}
                    <span className="visually-hidden"> {section.title}</span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </Panel>
      )}
    </>
  );
}
