import { CombinedError } from 'urql';
import { describe, expect, test } from 'vitest';
import i18n from '../i18n';
import { type BoundField, boundField, formProblems, outcomeProblems, requestProblems } from './forms';

// How a refusal reaches the user: next to the field it concerns (and linked from the summary),
// or in the summary alone when the form has no control for it.
const fieldIds = { email: 'invite-email', name: 'invite-name' };

describe('outcomeProblems', () => {
  test('an InvalidInput for a field of the form stands next to it and links to it', () => {
    const problems = outcomeProblems({ __typename: 'InvalidInput', message: 'Ugyldig e-mailadresse.', field: 'email' }, fieldIds);
    expect(problems.fields).toEqual({ email: 'Ugyldig e-mailadresse.' });
    expect(problems.summary).toEqual([{ message: 'Ugyldig e-mailadresse.', fieldId: 'invite-email' }]);
  });

  test('an InvalidInput for a field the form does not show goes to the summary only', () => {
    const problems = outcomeProblems({ __typename: 'InvalidInput', message: 'Ukendt organisation.', field: 'organizationId' }, fieldIds);
    expect(problems.fields).toEqual({});
    expect(problems.summary).toEqual([{ message: 'Ukendt organisation.' }]);
  });

  test('any other refusal concerns the whole form', () => {
    const problems = outcomeProblems({ __typename: 'Forbidden', message: 'Du har ikke adgang.' }, fieldIds);
    expect(problems).toEqual({ fields: {}, summary: [{ message: 'Du har ikke adgang.' }] });
  });
});

test('what a form finds missing is listed in its order, each linked to its field', () => {
  const problems = formProblems({ email: 'Skriv en e-mailadresse.', name: 'Skriv et navn.' }, fieldIds);
  expect(problems.summary).toEqual([
    { message: 'Skriv en e-mailadresse.', fieldId: 'invite-email' },
    { message: 'Skriv et navn.', fieldId: 'invite-name' },
  ]);
  expect(problems.fields.name).toBe('Skriv et navn.');
});

test('a bound field is the control of its server field: its id, value and problem, and typing sets the value', () => {
  let typed = '';
  const problems = formProblems({ email: 'Skriv en e-mailadresse.' }, fieldIds);
  const email = boundField('email', ['', (value) => (typed = value)], problems, fieldIds);
  expect([email.id, email.value, email.error]).toEqual(['invite-email', '', 'Skriv en e-mailadresse.']);
  email.onChange({ target: { value: 'karen@kl.dk' } } as Parameters<BoundField['onChange']>[0]);
  expect(typed).toBe('karen@kl.dk');
  expect(boundField('name', ['Karen', () => {}], problems, fieldIds).error).toBeUndefined();
});

test("a problem stands at the form it was found in, when two forms share one problems state and a field's name", () => {
  const withdraw = { reason: 'withdraw-reason' };
  const problems = formProblems({ reason: 'Skriv en begrundelse' }, withdraw);
  expect(boundField('reason', ['', () => {}], problems, withdraw).error).toBe('Skriv en begrundelse');
  expect(boundField('reason', ['', () => {}], problems, { reason: 'extend-reason' }).error).toBeUndefined();
});

test('a request without a typed answer says whether the network or the server failed, in the language chosen', () => {
  const da = i18n.getFixedT('da');
  const network = requestProblems(new CombinedError({ networkError: new Error('offline') }), da);
  const server = requestProblems(undefined, da);
  expect(network.summary).toEqual([{ message: da('errors.network') }]);
  expect(server.summary).toEqual([{ message: da('errors.unexpected') }]);
  expect(da('errors.network')).not.toBe(da('errors.unexpected'));
  expect(requestProblems(undefined, i18n.getFixedT('en')).summary[0]?.message).not.toBe(da('errors.unexpected'));
});
