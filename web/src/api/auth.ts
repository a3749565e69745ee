// Whether the app believes it has a session. Any 401 from any call flips it to "signed-out" and the layout
// shows the sign-in page in place of the page asked for (keeping its URL, so signing in shows that page).
import { useSyncExternalStore } from "react";

export type AuthState = "unknown" | "signed-in" | "signed-out";

let state: AuthState = "unknown";
const listeners = new Set<() => void>();

function set(next: AuthState): void {
  if (state === next) return;
  state = next;
  for (const listener of listeners) listener();
}

export const authStore = {
  get: (): AuthState => state,
  signedIn: (): void => set("signed-in"),
  signedOut: (): void => set("signed-out"),
  /** Back to "unknown"; for tests. */
  reset: (): void => set("unknown"),
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};

export function useAuthState(): AuthState {
  return useSyncExternalStore(authStore.subscribe, authStore.get, authStore.get);
}
