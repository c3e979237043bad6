import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { DateTime, todayInCopenhagen } from '../datetime';
import { ConsultationFacts } from './ConsultationNotice';
import { Countdown } from './Countdown';
import { type FragmentType, getFragmentData, graphql } from '../gql';
import { Fact } from './page';
import { PhaseTag } from './PhaseTag';
import { useServerClockOffset } from '../lib/serverClock';

export const DocumentSummaryFields = graphql(`
  fragment DocumentSummary on Document {
    slug
    title
    kind
    phase
    summary
    milestones {
      title
      date
    }
    approvalRounds {
      id
      state
      deadline
    }
    consultation {
      ...ConsultationNotice
    }
    sections {
      id
      comments(status: OPEN) {
        id
        submitted
        organization {
          id
          shortName
        }
      }
    }
  }
`);

/** One document in the overview: phase, next milestone, open comments per organisation. */
export function DocumentSummary(props: { document: FragmentType<typeof DocumentSummaryFields> }) {
  const { t } = useTranslation();
  const document = getFragmentData(DocumentSummaryFields, props.document);
  const skew = useServerClockOffset();
  const today = todayInCopenhagen(new Date(Date.now() + skew));
  const next = [...document.milestones].sort((a, b) => a.date.localeCompare(b.date)).find((m) => m.date >= today);
  const openRound = document.approvalRounds.find((round) => round.state === 'OPEN');
  const open = new Map<string, { name: string; count: number }>();
  let drafts = 0;
  for (const section of document.sections) {
    for (const comment of section.comments) {
      if (!comment.submitted) {
        drafts++;
        continue;
      }
      const key = comment.organization?.id ?? '';
      const entry = open.get(key) ?? { name: comment.organization?.shortName ?? '–', count: 0 };
      entry.count++;
      open.set(key, entry);
    }
  }
  const openList = [...open.values()].sort((a, b) => b.count - a.count || a.name.localeCompare(b.name, 'da'));
  return (
    <article className="document-summary">
      <h2 className="document-summary__title">
        <Link to={`/documents/${encodeURIComponent(document.slug)}`}>{document.title}</Link>
      </h2>
      {document.summary && <p className="document-summary__text">{document.summary}</p>}
      <dl className="meta-list">
        <Fact term={t('documents.kindLabel')}>{t(`documents.kind.${document.kind}`)}</Fact>
        <Fact term={t('documents.phaseLabel')}>
          <PhaseTag phase={document.phase} />
        </Fact>
        <Fact term={t('documents.nextMilestone')}>
          {next ? (
            <>
              {next.title}, <DateTime value={next.date} dateOnly />
            </>
          ) : (
            t('documents.noMilestone')
          )}
        </Fact>
        {openRound && (
          <Fact term={t('documents.deadline')}>
            <Link to={`/approval-rounds/${encodeURIComponent(openRound.id)}`}>
              <Countdown deadline={openRound.deadline} />
            </Link>
          </Fact>
        )}
        {document.consultation && <ConsultationFacts consultation={document.consultation} />}
        <Fact term={t('documents.openComments')}>
          {openList.length === 0
            ? t('documents.noOpenComments')
            : openList.map((entry) => t('documents.orgCount', { name: entry.name, n: entry.count })).join(' · ')}
          {drafts > 0 && <> · {t('documents.drafts', { count: drafts })}</>}
        </Fact>
      </dl>
    </article>
  );
}
