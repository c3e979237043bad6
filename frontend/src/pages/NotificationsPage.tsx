import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useQuery } from 'urql';
import { ErrorSummary, QueryError } from '../components/errors';
import { SelectField, StatusMessage, useFormMutation } from '../components/forms';
import { Loading, TableHead, usePageTitle } from '../components/page';
import { getFragmentData, graphql } from '../gql';
import type { NotificationDelivery, NotificationKind } from '../gql/graphql';

/** The viewer's choices as shown, read and as answered after a change. */
const PreferencesFields = graphql(`
  fragment NotificationPreferencesFields on NotificationPreferences {
    language
    kinds {
      kind
      delivery
      choosable
    }
  }
`);

const PreferencesQuery = graphql(`
  query NotificationPreferences {
    notificationPreferences {
      ...NotificationPreferencesFields
    }
  }
`);

const SetPreferenceMutation = graphql(`
  mutation SetNotificationPreference($input: SetNotificationPreferenceInput!) {
    setNotificationPreference(input: $input) {
      __typename
      ... on NotificationPreferenceSet {
        preferences {
          ...NotificationPreferencesFields
        }
      }
      ...UserError
    }
  }
`);

const deliveries: readonly NotificationDelivery[] = ['IMMEDIATE', 'DIGEST', 'OFF'];
// Each in its own language, as a language switch shows them.
const languages = [
  { value: 'da', label: 'Dansk' },
  { value: 'en', label: 'English' },
];

/** How the viewer receives each kind of message (an e-mail's one-click unsubscribe link is served by the server). */
export function NotificationsPage() {
  const { t } = useTranslation();
  usePageTitle(t('notifications.title'));
  const [{ data, fetching, error }, refetch] = useQuery({ query: PreferencesQuery });
  const save = useFormMutation(SetPreferenceMutation, 'setNotificationPreference', 'NotificationPreferenceSet');
  const [done, setDone] = useState('');

  async function change(input: { kind?: NotificationKind; delivery?: NotificationDelivery; language?: string }) {
    setDone('');
    if (await save.run({ input })) {
      setDone(t('notifications.saved'));
    }
  }

  if (error && !data) return <QueryError error={error} retry={() => refetch({ requestPolicy: 'network-only' })} />;
  if (fetching && !data) return <Loading />;
  if (!data?.notificationPreferences) return null;
  const preferences = getFragmentData(PreferencesFields, data.notificationPreferences);

  return (
    <>
      <h1>{t('notifications.title')}</h1>
      <p className="lead">{t('notifications.intro')}</p>
      {done && <StatusMessage focus>{done}</StatusMessage>}
      <ErrorSummary errors={save.problems.summary} />
      <SelectField
        id="notification-language"
        label={t('notifications.language')}
        value={preferences.language}
        onChange={(event) => void change({ language: event.target.value })}
        options={languages}
      />
      <table className="table">
        <caption className="visually-hidden">{t('notifications.title')}</caption>
        <TableHead columns={[t('notifications.kind'), t('notifications.delivery')]} />
        <tbody>
          {preferences.kinds.map((choice) => (
            <tr key={choice.kind}>
              <th scope="row">{t(`notifications.kinds.${choice.kind}`)}</th>
              <td data-label={t('notifications.delivery')}>
                {choice.choosable ? (
                  <select
                    className="input select"
                    aria-label={t('notifications.deliveryFor', { kind: t(`notifications.kinds.${choice.kind}`) })}
                    value={choice.delivery}
                    onChange={(event) => void change({ kind: choice.kind, delivery: event.target.value as NotificationDelivery })}
                  >
                    {deliveries.map((delivery) => (
                      <option key={delivery} value={delivery}>
                        {t(`notifications.deliveries.${delivery}`)}
                      </option>
                    ))}
                  </select>
                ) : (
                  <span className="muted">{t('notifications.formal')}</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
