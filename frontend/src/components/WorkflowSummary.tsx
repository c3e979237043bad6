import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { DateTime } from '../datetime';
import { Countdown } from './Countdown';
import { Fact } from './page';

/**
 * A deadline workflow (a written procedure, a consultation) in a document's list: its title
 * linking to it, its state, the deadline while open or when it closed, and who has answered.
 */
export function WorkflowSummary(props: {
  to: string;
  title: string;
  workflow: { state: string; deadline: string; closedAt: string | null };
  labels: { state: string; deadline: string; closedAt: string };
  stateTag: ReactNode;
  snapshot?: ReactNode;
  answered: ReactNode;
  children?: ReactNode;
}) {
  const { workflow, labels } = props;
  const open = workflow.state === 'OPEN';
  return (
    <li className="round-summary">
      <h2 className="round-summary__title">
        <Link to={props.to}>{props.title}</Link>
      </h2>
      <dl className="meta-list">
        <Fact term={labels.state}>{props.stateTag}</Fact>
        {props.snapshot}
        <Fact term={open ? labels.deadline : labels.closedAt}>
          {open ? <Countdown deadline={workflow.deadline} /> : workflow.closedAt && <DateTime value={workflow.closedAt} />}
        </Fact>
        {props.answered}
      </dl>
      {props.children}
    </li>
  );
}
