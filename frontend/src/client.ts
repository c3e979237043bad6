import { Client, cacheExchange, fetchExchange } from 'urql';
import { currentLanguage } from './i18n';

/**
 * A fresh client per session: signing in or out replaces the client, so nothing cached
 * for one user can be shown to the next.
 */
export function createClient(): Client {
  return new Client({
    url: '/graphql',
    exchanges: [cacheExchange, fetchExchange],
    // Always POST JSON; the session is an HttpOnly cookie on the same origin.
    preferGetMethod: false,
    fetchOptions: () => ({
      credentials: 'same-origin',
      headers: { 'Accept-Language': currentLanguage() },
    }),
  });
}
