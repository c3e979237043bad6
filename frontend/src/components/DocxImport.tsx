import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { type ImportReport, MAX_DOCX_BYTES, importDocx } from '../lib/docxImport';
import { ErrorSummary } from './errors';
import { FieldShell, type Problems, StatusMessage, SubmitButton, boundField, fieldProblem, formProblems, noProblems, submitHandler } from './forms';
import { TextField } from './TextField';

const DOCX_TYPES = '.docx,application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/**
 * Upload a Word file: as a new document (`documentId` absent: file and an optional title), or as
 * new versions of an existing document's sections. The result says what was created, updated and
 * left unchanged, and lists every note on what could not be carried over.
 */
export function DocxImportForm({ documentId, onImported }: { documentId?: string; onImported: (report: ImportReport) => void }) {
  const { t } = useTranslation();
  const id = useId();
  const fieldIds = { file: `${id}-file`, title: `${id}-title` };
  const [file, setFile] = useState<File | null>(null);
  const [title, setTitle] = useState('');
  const [problems, setProblems] = useState<Problems>(noProblems);
  const [busy, setBusy] = useState(false);
  const [report, setReport] = useState<ImportReport | null>(null);
  const newDocument = documentId === undefined;

  async function handleSubmit() {
    setReport(null);
    if (!file) return setProblems(formProblems({ file: t('imports.fileRequired') }, fieldIds));
    if (file.size > MAX_DOCX_BYTES) return setProblems(formProblems({ file: t('imports.tooLarge') }, fieldIds));
    setBusy(true);
    const outcome = await importDocx(file, newDocument ? { title } : { documentId }, t);
    setBusy(false);
    if (outcome.ok) {
      setProblems(noProblems);
      setReport(outcome.report);
      setTitle('');
      onImported(outcome.report);
      return;
    }
    setProblems(fieldProblem(outcome.message, outcome.field, fieldIds));
  }

  return (
    <>
      {report && <ImportResult report={report} newDocument={newDocument} />}
      <ErrorSummary errors={problems.summary} />
      <form onSubmit={submitHandler(busy, handleSubmit)} noValidate aria-busy={busy || undefined}>
        <FieldShell id={fieldIds.file} label={t('imports.file')} hint={t(newDocument ? 'imports.fileHintNew' : 'imports.fileHintExisting')} error={problems.fields.file}>
          {(control) => (
            <input
              type="file"
              className="input input--file"
              accept={DOCX_TYPES}
              onChange={(event) => setFile(event.target.files?.[0] ?? null)}
              {...control}
            />
          )}
        </FieldShell>
        {newDocument && (
          <TextField {...boundField('title', [title, setTitle], problems, fieldIds)} label={t('imports.title')} hint={t('imports.titleHint')} autoComplete="off" />
        )}
        <SubmitButton busy={busy}>{busy ? t('imports.busy') : t('imports.submit')}</SubmitButton>
      </form>
    </>
  );
}

function ImportResult({ report, newDocument }: { report: ImportReport; newDocument: boolean }) {
  const { t } = useTranslation();
  const id = useId();
  const lists = [
    { key: 'created', title: t('imports.created'), items: report.created },
    { key: 'updated', title: t('imports.updated'), items: report.updated },
    { key: 'unchanged', title: t('imports.unchanged'), items: report.unchanged },
    { key: 'conflicts', title: t('imports.conflicts'), items: report.conflicts },
  ].filter((list) => list.items.length > 0);
  return (
    <StatusMessage focus>
      <p className="notice__title">
        {newDocument
          ? t('imports.doneNew', { count: report.created.length })
          : t('imports.doneExisting', {
              updated: t('imports.nVersions', { count: report.updated.length }),
              created: t('imports.nSections', { count: report.created.length }),
              unchanged: t('imports.nUnchanged', { count: report.unchanged.length }),
            })}
      </p>
      {lists.map((list) => (
        <div key={list.key} className="import-result__group">
          <h3 id={`${id}-${list.key}`} className="import-result__heading">
            {list.title} ({list.items.length})
          </h3>
          <ul aria-labelledby={`${id}-${list.key}`}>
            {list.items.map((item, index) => (
              <li key={`${index}:${item}`}>{item}</li>
            ))}
          </ul>
        </div>
      ))}
      <div className={report.losses.length > 0 ? 'import-result__losses' : 'import-result__group'}>
        <h3 id={`${id}-losses`} className="import-result__heading">
          {t('imports.losses')}
        </h3>
        {report.losses.length === 0 ? (
          <p>{t('imports.noLosses')}</p>
        ) : (
          <ul aria-labelledby={`${id}-losses`}>
            {report.losses.map((loss, index) => (
              <li key={`${index}:${loss}`}>{loss}</li>
            ))}
          </ul>
        )}
      </div>
      <p>
        <Link to={`/documents/${encodeURIComponent(report.document.slug)}`}>{t('imports.open')}</Link>
      </p>
    </StatusMessage>
  );
}
