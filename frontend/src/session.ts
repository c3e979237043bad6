import { createContext, useContext } from 'react';

/** Replaces the GraphQL client after sign-in or sign-out, dropping every cached result. */
export const ResetSessionContext = createContext<() => void>(() => {});

export function useResetSession(): () => void {
  return useContext(ResetSessionContext);
}
