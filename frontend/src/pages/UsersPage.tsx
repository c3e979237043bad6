import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorSummary } from '../components/errors';
import { Checkboxes, ChoiceFieldset } from '../components/choices';
import { InlineProblems, SelectField, StatusMessage, SubmitButton, useFormMutation } from '../components/forms';
import { TableHead, usePageQuery, Panel, usePageTitle } from '../components/page';
import { TextField } from '../components/TextField';
import { DateTime } from '../datetime';
import { graphql } from '../gql';
import type { Role } from '../gql/graphql';
import { hasRole, useViewer } from '../viewer';

const UsersQuery = graphql(`
  query Users {
    users {
      id
      name
      email
      roles
      active
      organization {
        id
        shortName
      }
    }
    organizations {
      id
      name
      shortName
    }
    invitations {
      id
      name
      email
      roles
      expiresAt
      organization {
        id
        shortName
      }
    }
  }
`);

const InviteUserMutation = graphql(`
  mutation InviteUser($input: InviteUserInput!) {
    inviteUser(input: $input) {
      __typename
      ... on UserInvited {
        link
        invitation {
          id
          email
          name
          expiresAt
        }
      }
      ...UserError
    }
  }
`);

const SetUserActiveMutation = graphql(`
  mutation SetUserActive($input: SetUserActiveInput!) {
    setUserActive(input: $input) {
      __typename
      ... on UserActivityChanged {
        user {
          id
          active
        }
      }
      ...UserError
    }
  }
`);

const roles: readonly Role[] = ['SECRETARIAT', 'EDITOR', 'APPROVER', 'COMMENTER', 'READER'];

export function UsersPage() {
  const { t } = useTranslation();
  usePageTitle(t('users.title'));
  const viewer = useViewer();
  const { data, refresh, waiting } = usePageQuery({ query: UsersQuery, pause: !hasRole(viewer, 'SECRETARIAT') });
  const [done, setDone] = useState('');
  const setActive = useFormMutation(SetUserActiveMutation, 'setUserActive', 'UserActivityChanged');

  if (!hasRole(viewer, 'SECRETARIAT')) {
    return (
      <>
        <h1>{t('users.title')}</h1>
        <p className="notice">{t('users.notAllowed')}</p>
      </>
    );
  }

  async function toggle(user: { id: string; name: string; active: boolean }) {
    setDone('');
    const changed = await setActive.run({ input: { userId: user.id, active: !user.active } });
    if (changed) setDone(changed.user.active ? t('users.activated', { name: user.name }) : t('users.deactivated', { name: user.name }));
  }

  return (
    <>
      <h1>{t('users.title')}</h1>
      <p className="lead">{t('users.intro')}</p>
      {waiting}
      {data && (
        <>
          <InviteForm organizations={data.organizations} onInvited={refresh} />
          <h2 id="pending-title">{t('users.pendingTitle')}</h2>
          {data.invitations.length === 0 ? (
            <p>{t('users.noPending')}</p>
          ) : (
            <table className="table" aria-labelledby="pending-title">
              <TableHead columns={[t('users.name'), t('users.email'), t('users.organization'), t('users.roles'), t('users.expires')]} />
              <tbody>
                {[...data.invitations]
                  .sort((a, b) => a.expiresAt.localeCompare(b.expiresAt))
                  .map((invitation) => (
                    <tr key={invitation.id}>
                      <th scope="row">{invitation.name}</th>
                      <td data-label={t('users.email')}>{invitation.email}</td>
                      <td data-label={t('users.organization')}>{invitation.organization.shortName}</td>
                      <td data-label={t('users.roles')}>{invitation.roles.map((role) => t(`roles.${role}`)).join(', ')}</td>
                      <td data-label={t('users.expires')}>
                        <DateTime value={invitation.expiresAt} />
                      </td>
                    </tr>
                  ))}
              </tbody>
            </table>
          )}
          <h2>{t('users.listTitle')}</h2>
          <InlineProblems problems={setActive.problems} />
          {done && <StatusMessage>{done}</StatusMessage>}
          <table className="table">
            <caption className="visually-hidden">{t('users.listTitle')}</caption>
            <TableHead
              columns={[
                t('users.name'),
                t('users.email'),
                t('users.organization'),
                t('users.roles'),
                t('users.status'),
                <span className="visually-hidden">{t('users.actions')}</span>,
              ]}
            />
            <tbody>
              {data.users.map((user) => (
                <tr key={user.id}>
                  <th scope="row">{user.name}</th>
                  <td data-label={t('users.email')}>{user.email}</td>
                  <td data-label={t('users.organization')}>{user.organization?.shortName ?? '–'}</td>
                  <td data-label={t('users.roles')}>{user.roles.map((role) => t(`roles.${role}`)).join(', ')}</td>
                  <td data-label={t('users.status')}>{user.active ? t('users.active') : t('users.inactive')}</td>
                  <td data-label={t('users.actions')}>
                    {user.id !== viewer?.id && (
                      <button type="button" className="link-button" onClick={() => void toggle(user)}>
                        {user.active ? t('users.deactivate') : t('users.activate')}
                        <span className="visually-hidden"> {user.name}</span>
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </>
  );
}

function InviteForm(props: { organizations: readonly { id: string; name: string }[]; onInvited: () => void }) {
  const { t } = useTranslation();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [organizationId, setOrganizationId] = useState('');
  const [chosen, setChosen] = useState<Role[]>(['COMMENTER']);
  const [invited, setInvited] = useState<{ link: string; email: string; expiresAt: string } | null>(null);
  const [copied, setCopied] = useState(false);
  const fieldIds = { email: 'invite-email', name: 'invite-name', organizationId: 'invite-organization', roles: 'invite-role-SECRETARIAT' };
  const invite = useFormMutation(InviteUserMutation, 'inviteUser', 'UserInvited', { fieldIds });
  const { problems } = invite;

  async function handleSubmit() {
    setInvited(null);
    const missing: Record<string, string> = {};
    if (!email.trim()) missing.email = t('users.emailRequired');
    if (!name.trim()) missing.name = t('users.nameRequired');
    if (!organizationId) missing.organizationId = t('users.organizationRequired');
    if (chosen.length === 0) missing.roles = t('users.rolesRequired');
    if (Object.keys(missing).length > 0) return invite.refuse(missing);
    const answer = await invite.run({ input: { email: email.trim(), name: name.trim(), organizationId, roles: chosen } });
    if (!answer) return;
    setInvited({ link: answer.link, email: answer.invitation.email, expiresAt: answer.invitation.expiresAt });
    setEmail('');
    setName('');
    setCopied(false);
    props.onInvited();
  }

  return (
    <Panel id="invite-title" title={t('users.inviteTitle')}>
      {invited && (
        <StatusMessage focus>
          <p className="notice__title">{t('users.invited', { email: invited.email })}</p>
          <p>{t('users.linkOnce')}</p>
          <p>
            <label htmlFor="invite-link" className="field__label">
              {t('users.link')}
            </label>
            <input id="invite-link" className="input input--wide" readOnly value={invited.link} onFocus={(event) => event.target.select()} />
          </p>
          <p className="button-row">
            <button
              type="button"
              className="button button--secondary"
              onClick={() => {
                void navigator.clipboard?.writeText(invited.link).then(() => setCopied(true));
              }}
            >
              {copied ? t('users.copied') : t('users.copy')}
            </button>
            <span className="muted">
              {t('users.expires')} <DateTime value={invited.expiresAt} />
            </span>
          </p>
        </StatusMessage>
      )}
      <ErrorSummary errors={problems.summary} />
      <form onSubmit={invite.onSubmit(handleSubmit)} noValidate>
        <TextField {...invite.field('name', [name, setName])} label={t('users.name')} autoComplete="off" />
        <TextField {...invite.field('email', [email, setEmail])} type="email" label={t('users.email')} autoComplete="off" spellCheck={false} />
        <SelectField
          {...invite.field('organizationId', [organizationId, setOrganizationId])}
          label={t('users.organization')}
          options={props.organizations.map((org) => ({ value: org.id, label: org.name }))}
          blank={t('users.chooseOrganization')}
        />
        <ChoiceFieldset legend={t('users.roles')} error={problems.fields.roles} errorId="invite-roles-error">
          <Checkboxes options={roles.map((role) => ({ value: role, label: t(`roles.${role}`) }))} chosen={chosen} onChange={setChosen} idPrefix="invite-role-" />
        </ChoiceFieldset>
        <SubmitButton busy={invite.fetching}>{t('users.invite')}</SubmitButton>
      </form>
    </Panel>
  );
}
