import { useTranslation } from 'react-i18next';

/**
 * The downloads of one export (`/exports/…/{id}` without the extension): Word, Markdown and
 * printable HTML (each with `query`, say `names=1`), and for a snapshot also Word with the open comments as Word comments or in a
 * margin table, and for an approval record a PDF/A for filing. `subject` (visually hidden) tells the links of one row from the next row's.
 */
export function ExportLinks({
  base,
  label,
  subject,
  withComments = false,
  withPdf = false,
  query,
}: {
  base: string;
  label?: string;
  subject?: string;
  withComments?: boolean;
  withPdf?: boolean;
  /** Added to every link (`names=1`); the links with comments carry their own. */
  query?: string | undefined;
}) {
  const { t } = useTranslation();
  const withQuery = (href: string) => (query ? `${href}${href.includes('?') ? '&' : '?'}${query}` : href);
  const links = [
    { href: `${base}.docx`, text: t('exports.word') },
    ...(withComments
      ? [
          { href: `${base}.docx?comments=word`, text: t('exports.wordComments') },
          { href: `${base}.docx?comments=table`, text: t('exports.wordTable') },
        ]
      : []),
    ...(withPdf ? [{ href: `${base}.pdf`, text: t('exports.pdf') }] : []),
    { href: `${base}.md`, text: t('exports.markdown') },
    { href: `${base}.html`, text: t('exports.html') },
  ];
  return (
    <div className="export-links">
      {label && <span className="export-links__label">{label}</span>}
      <ul className="export-links__list">
        {links.map((link) => (
          <li key={link.href}>
            <a href={withQuery(link.href)}>
              {link.text}
              {subject && <span className="visually-hidden"> ({subject})</span>}
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}
