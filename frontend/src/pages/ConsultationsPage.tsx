import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { CheckboxField } from '../components/choices';
import { OpeningFields, OpeningSummary, checkOpening, useOpening } from '../components/OpeningFields';
import { ConsultationStateTag } from '../components/ConsultationTags';
import { partyCounts } from '../components/ConsultationParties';
import { DocumentHeader } from '../components/DocumentHeader';
import { ErrorSummary } from '../components/errors';
import { SubmitButton, TextAreaField, useFormMutation } from '../components/forms';
import { Fact, Panel, usePageTitle } from '../components/page';
import { WorkflowSummary } from '../components/WorkflowSummary';
import { graphql } from '../gql';
import { snapshotName } from '../lib/snapshotName';
import { useDocumentPage } from './DocumentPage';

const ConsultationsQuery = graphql(`
  query Consultations($slug: String!) {
    document(slug: $slug) {
      id
      slug
      viewerCan {
        runConsultations
      }
      snapshots {
        id
        number
        label
      }
      consultations {
        id
        state
        deadline
        closedAt
        snapshot {
          id
          number
          label
        }
        parties {
          status
        }
      }
      ...DocumentHeader
    }
    organizations {
      id
      name
      shortName
    }
  }
`);

/** A document's consultations (høringer), newest first, and for the secretariat the form that opens one. */
export function ConsultationsPage() {
  const { t } = useTranslation();
  const { document, data, gate } = useDocumentPage(ConsultationsQuery);
  usePageTitle(t('consultation.listTitle'));

  if (!document || !data) return gate;
  const open = document.consultations.find((consultation) => consultation.state === 'OPEN');

  return (
    <>
      <DocumentHeader document={document} heading={t('consultation.listTitle')} />
      <p className="lead">{t('consultation.intro')}</p>
      {document.consultations.length === 0 ? (
        <p>{t('consultation.none')}</p>
      ) : (
        <ul className="round-list">
          {document.consultations.map((consultation) => {
            const name = consultation.snapshot ? snapshotName(t, consultation.snapshot) : '–';
            return (
              <WorkflowSummary
                key={consultation.id}
                to={`/consultations/${encodeURIComponent(consultation.id)}`}
                title={t('consultation.title', { snapshot: name })}
                workflow={consultation}
                labels={{ state: t('consultation.stateLabel'), deadline: t('consultation.deadline'), closedAt: t('consultation.closedAt') }}
                stateTag={<ConsultationStateTag state={consultation.state} />}
                answered={
                  <Fact term={t('consultation.answered')}>
                    {t('consultation.answeredCount', { answered: partyCounts(consultation.parties).answered, total: consultation.parties.length })}
                  </Fact>
                }
              />
            );
          })}
        </ul>
      )}
      {document.viewerCan.runConsultations && (
        <Panel id="open-consultation-title" title={t('consultation.openTitle')}>
          {open ? (
            // Only one open consultation per document: say so rather than offer a form that must fail.
            <p>
              {t('consultation.alreadyOpen')} <Link to={`/consultations/${encodeURIComponent(open.id)}`}>{t('consultation.readerSee')}</Link>
            </p>
          ) : document.snapshots.length === 0 ? (
            <p>
              {t('consultation.needSnapshot')} <Link to={`/documents/${encodeURIComponent(document.slug)}/snapshots`}>{t('documentNav.snapshots')}</Link>
            </p>
          ) : (
            <OpenConsultationForm snapshots={document.snapshots} organizations={data.organizations} />
          )}
        </Panel>
      )}
    </>
  );
}

const OpenConsultationMutation = graphql(`
  mutation OpenConsultation($input: OpenConsultationInput!) {
    openConsultation(input: $input) {
      __typename
      ... on ConsultationOpened {
        consultation {
          id
        }
      }
      ...UserError
    }
  }
`);

function OpenConsultationForm(props: {
  snapshots: readonly { id: string; number: number; label: string }[];
  organizations: readonly { id: string; name: string; shortName: string }[];
}) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [letter, setLetter] = useState('');
  // The høringsliste is chosen explicitly, one organisation at a time: nobody is consulted by default.
  const opening = useOpening('consultation', props.snapshots, props.organizations, () => []);
  const [acceptLate, setAcceptLate] = useState(false);
  const { snapshot } = opening;
  // In the order they were ticked: that is the høringsliste's order.
  const chosen = opening.organizationIds[0].flatMap((id) => props.organizations.filter((org) => org.id === id));
  const open = useFormMutation(OpenConsultationMutation, 'openConsultation', 'ConsultationOpened', { fieldIds: { ...opening.fieldIds, letter: 'consultation-letter' } });
  const { problems } = open;

  async function handleSubmit() {
    const own: Record<string, string> = letter.trim() ? {} : { letter: t('consultation.letterRequired') };
    const checked = checkOpening(opening, t, own);
    if ('missing' in checked) return open.refuse(checked.missing);
    const opened = await open.run({ input: { ...checked.input, letter, acceptLate } });
    if (opened) await navigate(`/consultations/${encodeURIComponent(opened.consultation.id)}`);
  }

  return (
    <form onSubmit={open.onSubmit(handleSubmit)} noValidate>
      <ErrorSummary errors={problems.summary} />
      <OpeningFields opening={opening} form={open} columns>
        <TextAreaField {...open.field('letter', [letter, setLetter])} label={t('consultation.letter')} hint={t('consultation.letterHint')} rows={8} />
      </OpeningFields>
      <CheckboxField hintId="accept-late-hint" label={t('consultation.acceptLate')} hint={t('consultation.acceptLateHint')} checked={acceptLate} onChange={setAcceptLate} />
      <OpeningSummary
        opening={opening}
        what={
          chosen.length > 0
            ? t('consultation.summaryWhat', {
                snapshot: snapshot ? snapshotName(t, snapshot) : '–',
                parties: chosen.map((org) => org.shortName).join(', '),
                count: chosen.length,
              })
            : t('consultation.summaryNoParties')
        }
      >
        <p>{acceptLate ? t('consultation.summaryLateYes') : t('consultation.summaryLateNo')}</p>
        {!letter.trim() && <p>{t('consultation.summaryNoLetter')}</p>}
      </OpeningSummary>
      <SubmitButton busy={open.fetching}>{t('consultation.open')}</SubmitButton>
    </form>
  );
}
