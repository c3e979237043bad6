import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DateTime } from '../datetime';
import { graphql } from '../gql';
import { postFile } from '../lib/upload';
import { ErrorSummary } from './errors';
import { FieldShell, type Problems, StatusMessage, SubmitButton, TextAreaField, fieldProblem, formProblems, noProblems, submitHandler, useFormMutation } from './forms';
import { usePageQuery } from './page';

const ResponseDraftQuery = graphql(`
  query ResponseDraft($consultationId: ID!) {
    responseDraft(consultationId: $consultationId) {
      generalRemarks
      remarksSavedAt
      remarksSavedBy {
        id
        name
      }
      letter {
        id
        filename
        size
        url
      }
      letterUploadUrl
      maxLetterBytes
    }
  }
`);

const SaveGeneralRemarksMutation = graphql(`
  mutation SaveGeneralRemarks($input: SaveGeneralRemarksInput!) {
    saveGeneralRemarks(input: $input) {
      __typename
      ... on GeneralRemarksSaved {
        draft {
          generalRemarks
        }
      }
      ...UserError
    }
  }
`);

const RemoveResponseLetterMutation = graphql(`
  mutation RemoveResponseLetter($input: RemoveResponseLetterInput!) {
    removeResponseLetter(input: $input) {
      __typename
      ... on ResponseLetterRemoved {
        draft {
          generalRemarks
        }
      }
      ...UserError
    }
  }
`);

const LETTER_TYPES = '.pdf,.docx,application/pdf,application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/**
 * A party's response in the making, besides its comments: general remarks (not tied to a section)
 * and a response letter (PDF or Word). Both are the organisation's own until it submits, and are
 * sent with its comments.
 */
export function ResponseDraftForm({ consultationId, organization }: { consultationId: string; organization: string }) {
  const { t } = useTranslation();
  const id = useId();
  const { data, refresh } = usePageQuery({ query: ResponseDraftQuery, variables: { consultationId } });
  const draft = data?.responseDraft;
  const [remarks, setRemarks] = useState<string | null>(null);
  const [file, setFile] = useState<File | null>(null);
  const [uploading, setUploading] = useState(false);
  // One message line for the remarks and the letter.
  const [problems, setProblems] = useState<Problems>(noProblems);
  const [done, setDone] = useState('');
  const fieldIds = { generalRemarks: `${id}-remarks`, file: `${id}-letter`, filename: `${id}-letter` };
  const shared = { fieldIds, problems: [problems, setProblems] as const };
  const save = useFormMutation(SaveGeneralRemarksMutation, 'saveGeneralRemarks', 'GeneralRemarksSaved', shared);
  const remove = useFormMutation(RemoveResponseLetterMutation, 'removeResponseLetter', 'ResponseLetterRemoved', shared);

  if (!draft) return null;
  const text = remarks ?? draft.generalRemarks;

  async function handleSave() {
    setDone('');
    if (!(await save.run({ input: { consultationId, generalRemarks: text } }))) return;
    setRemarks(null);
    setDone(t('response.remarksSaved'));
    refresh();
  }

  async function handleUpload() {
    if (!draft) return;
    setDone('');
    const tooLarge = t('response.letterTooLarge', { megabytes: Math.floor(draft.maxLetterBytes / (1024 * 1024)) });
    if (!file) return setProblems(formProblems({ file: t('response.letterRequired') }, fieldIds));
    if (file.size > draft.maxLetterBytes) return setProblems(formProblems({ file: tooLarge }, fieldIds));
    setUploading(true);
    const outcome = await postFile(`${draft.letterUploadUrl}&filename=${encodeURIComponent(file.name)}`, file, t, tooLarge);
    setUploading(false);
    if (!outcome.ok) return setProblems(fieldProblem(outcome.message, outcome.field, fieldIds));
    setProblems(noProblems);
    setFile(null);
    setDone(t('response.letterAttached'));
    refresh();
  }

  async function handleRemove() {
    setDone('');
    if (!(await remove.run({ input: { consultationId } }))) return;
    setDone(t('response.letterRemoved'));
    refresh();
  }

  return (
    <div className="response-draft">
      <h3>{t('response.title')}</h3>
      <p className="field__hint">{t('response.intro', { organization })}</p>
      {done && <StatusMessage>{done}</StatusMessage>}
      <ErrorSummary errors={problems.summary} />
      <form onSubmit={save.onSubmit(handleSave)} noValidate>
        <TextAreaField
          {...save.field('generalRemarks', [text, setRemarks])}
          label={t('response.remarks')}
          hint={
            draft.remarksSavedAt ? (
              <>
                {t('response.remarksHint')} {t('response.remarksSavedBy', { name: draft.remarksSavedBy?.name ?? '' })} <DateTime value={draft.remarksSavedAt} />.
              </>
            ) : (
              t('response.remarksHint')
            )
          }
          rows={5}
        />
        <SubmitButton busy={save.fetching} className="button button--secondary">
          {t('response.saveRemarks')}
        </SubmitButton>
      </form>
      {draft.letter ? (
        <p>
          {t('response.letterAttachedLabel')} <a href={draft.letter.url}>{draft.letter.filename}</a> ({t('response.size', { kilobytes: Math.max(1, Math.round(draft.letter.size / 1024)) })}){' '}
          <button type="button" className="link-button" onClick={() => void handleRemove()}>
            {t('response.removeLetter')}
          </button>
        </p>
      ) : (
        <form onSubmit={submitHandler(uploading, handleUpload)} noValidate aria-busy={uploading || undefined}>
          <FieldShell id={fieldIds.file} label={t('response.letter')} hint={t('response.letterHint')} error={problems.fields.file ?? problems.fields.filename}>
            {(control) => <input type="file" className="input input--file" accept={LETTER_TYPES} onChange={(event) => setFile(event.target.files?.[0] ?? null)} {...control} />}
          </FieldShell>
          <SubmitButton busy={uploading} className="button button--secondary">
            {t('response.attach')}
          </SubmitButton>
        </form>
      )}
    </div>
  );
}
