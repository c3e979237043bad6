import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { graphql } from '../gql';
import { Checkboxes, ChoiceFieldset } from './choices';
import { ErrorSummary } from './errors';
import { StatusMessage, SubmitButton, useFormMutation } from './forms';

const SendReminderMutation = graphql(`
  mutation SendReminder($input: SendReminderInput!) {
    sendReminder(input: $input) {
      __typename
      ... on ReminderSent {
        messages
      }
      ...UserError
    }
  }
`);

/** "Send påmindelse": the secretariat reminds chosen parties of a round that have not decided, or of a
 * consultation that have not responded. */
export function ReminderForm(props: {
  target: { roundId: string } | { consultationId: string };
  parties: readonly { id: string; name: string }[];
}) {
  const { t } = useTranslation();
  const id = useId();
  const [chosen, setChosen] = useState<string[]>([]);
  const [done, setDone] = useState('');
  const idPrefix = `${id}-party-`;
  const fieldIds = { organizationIds: `${idPrefix}${props.parties[0]?.id ?? ''}` };
  const send = useFormMutation(SendReminderMutation, 'sendReminder', 'ReminderSent', { fieldIds });
  if (props.parties.length === 0) return null;

  async function submit() {
    setDone('');
    if (chosen.length === 0) return send.refuse({ organizationIds: t('reminder.choose') });
    const sent = await send.run({ input: { ...props.target, organizationIds: chosen } });
    if (sent) {
      setDone(t('reminder.sent', { count: sent.messages }));
      setChosen([]);
    }
  }

  return (
    <section className="panel" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('reminder.title')}</h2>
      <p className="field__hint">{t('consultationId' in props.target ? 'reminder.introConsultation' : 'reminder.intro')}</p>
      {done && <StatusMessage focus>{done}</StatusMessage>}
      <ErrorSummary errors={send.problems.summary} />
      <form onSubmit={send.onSubmit(submit)} noValidate>
        <ChoiceFieldset legend={t('reminder.parties')} error={send.problems.fields.organizationIds} errorId={`${id}-parties-error`}>
          <Checkboxes options={props.parties.map((party) => ({ value: party.id, label: party.name }))} chosen={chosen} onChange={setChosen} idPrefix={idPrefix} />
        </ChoiceFieldset>
        <SubmitButton busy={send.fetching} className="button button--secondary">
          {t('reminder.send')}
        </SubmitButton>
      </form>
    </section>
  );
}
