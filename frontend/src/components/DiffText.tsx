import type { DiffPart } from '../lib/worddiff';

/** A word diff as text with <ins> and <del> (screen readers are told by the stylesheet). */
export function DiffText({ parts }: { parts: readonly DiffPart[] }) {
  return (
    <div className="diff diff--text">
      {parts.map((part, index) => {
        const key = `${index}:${part.kind}`;
        if (part.kind === 'insert') return <ins key={key}>{part.text}</ins>;
        if (part.kind === 'delete') return <del key={key}>{part.text}</del>;
        return <span key={key}>{part.text}</span>;
      })}
    </div>
  );
}

/** The server's diff (Section.diff.html): escaped text with <ins>, <del> and <br> only. */
export function ServerDiff({ html }: { html: string }) {
  return <div className="diff" dangerouslySetInnerHTML={{ __html: html }} />;
}
