import { createContext, useContext } from 'react';
import type { Role } from './gql/graphql';

/** The signed-in user, as every page needs it (roles and organisation decide what is offered). */
export interface Viewer {
  id: string;
  name: string;
  roles: readonly Role[];
  organization: { id: string; name: string; shortName: string } | null;
}

export const ViewerContext = createContext<Viewer | null>(null);

export function useViewer(): Viewer | null {
  return useContext(ViewerContext);
}

export function hasRole(viewer: Viewer | null, role: Role): boolean {
  return Boolean(viewer?.roles.includes(role));
}
