// `assay server` prints http://HOST:PORT/?code=<one-time code>. Opening it redeems the code for a session
// (POST /session/one-time) before anything else is fetched, then drops the code from the URL so it is
// neither reused nor left in the history or a bookmark.
import { type ReactNode, useEffect, useRef, useState } from "react";
import { useLocation, useNavigate } from "react-router";

import { useRedeemCode } from "../api/views";
import { errorMessage, Loading } from "../components/States";

export const CODE_PARAM = "code";

/** The message the sign-in page shows when a sign-in link failed. */
let failure: string | null = null;
export function takeSignInCodeFailure(): string | null {
  const message = failure;
  failure = null;
  return message;
}

export function SignInCodeGate({ children }: { children: ReactNode }) {
  const location = useLocation();
  const navigate = useNavigate();
  const redeem = useRedeemCode();
  const code = new URLSearchParams(location.search).get(CODE_PARAM);
  const started = useRef<string | null>(null);
  const [done, setDone] = useState(code === null);

  useEffect(() => {
    if (code === null || started.current === code) return;
    // Effects run twice in development's StrictMode; a code is single-use, so it is sent once.
    started.current = code;
    const params = new URLSearchParams(location.search);
    params.delete(CODE_PARAM);
    const search = params.toString();
    const stripped = { pathname: location.pathname, search: search ? `?${search}` : "", hash: location.hash };
    redeem
      .mutateAsync(code)
      .catch((error: unknown) => {
        failure = `That sign-in link did not work (${errorMessage(error)}). Paste an API token instead.`;
      })
      .finally(() => {
        setDone(true);
        void navigate(stripped, { replace: true });
      });
  }, [code, location.pathname, location.search, location.hash, navigate, redeem]);

  if (code !== null || !done) return <Loading label="Signing in…" />;
  return <>{children}</>;
}
