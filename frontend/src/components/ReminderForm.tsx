import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useMutation } from 'urql';
import { graphql } from '../gql';
import { ErrorSummary } from './errors';
import { type Problems, StatusMessage, formProblems, noProblems, outcomeProblems, requestProblems } from './forms';

const SendReminderMutation = graphql(`
  mutation SendReminder($input: SendReminderInput!) {
    sendReminder(input: $input) {
      __typename
      ... on ReminderSent {
        messages
      }
      ... on UserError {
        message
      }
      ... on InvalidInput {
        field
      }
    }
  }
`);

/** "Send påmindelse": the secretariat reminds chosen parties that have not decided. */
export function ReminderForm(props: { roundId: string; parties: readonly { id: string; name: string }[] }) {
  const { t } = useTranslation();
  const id = useId();
  const [chosen, setChosen] = useState<string[]>([]);
  const [problems, setProblems] = useState<Problems>(noProblems);
  const [done, setDone] = useState('');
  const [{ fetching }, send] = useMutation(SendReminderMutation);
  if (props.parties.length === 0) return null;

  async function handleSubmit(event: FormEvent) {
    event.preventDefault();
    if (fetching) return;
    setDone('');
    if (chosen.length === 0) return setProblems(formProblems({ organizationIds: t('reminder.choose') }, { organizationIds: `${id}-party-0` }));
    const result = await send({ input: { roundId: props.roundId, organizationIds: chosen } });
    const outcome = result.data?.sendReminder;
    if (!outcome) return setProblems(requestProblems(result.error, t));
    if (outcome.__typename === 'ReminderSent') {
      setProblems(noProblems);
      setDone(t('reminder.sent', { count: outcome.messages }));
      setChosen([]);
    } else setProblems(outcomeProblems(outcome));
  }

  return (
    <section className="panel" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t('reminder.title')}</h2>
      <p className="field__hint">{t('reminder.intro')}</p>
      {done && <StatusMessage focus>{done}</StatusMessage>}
      <ErrorSummary errors={problems.summary} />
      <form onSubmit={(event) => void handleSubmit(event)} noValidate>
        <fieldset className="field fieldset">
          <legend className="field__label">{t('reminder.parties')}</legend>
          {props.parties.map((party, index) => (
            <label key={party.id} className="checkbox">
              <input
                id={`${id}-party-${index}`}
                type="checkbox"
                checked={chosen.includes(party.id)}
                onChange={(event) => setChosen(event.target.checked ? [...chosen, party.id] : chosen.filter((c) => c !== party.id))}
              />{' '}
              {party.name}
            </label>
          ))}
        </fieldset>
        <button type="submit" className="button button--secondary" aria-disabled={fetching || undefined}>
          {t('reminder.send')}
        </button>
      </form>
    </section>
  );
}
