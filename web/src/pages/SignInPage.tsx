// Signing in: paste an API token (made with `assay token create`), or open the link `assay server` prints.
// Shown at /sign-in and, in place of any page, whenever the server answers 401.
import { type FormEvent, useId, useState } from "react";
import { Navigate, useSearchParams } from "react-router";

import { useAuthState } from "../api/auth";
import { useSignIn } from "../api/views";
import { errorMessage } from "../components/States";
import { takeSignInCodeFailure } from "../layout/SignInCodeGate";
import { useTitle } from "../useTitle";

export function SignInPage() {
  useTitle("Sign in");
  const id = useId();
  const [token, setToken] = useState("");
  const [linkFailure] = useState(takeSignInCodeFailure);
  const signIn = useSignIn();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const value = token.trim();
    if (!value) return;
    // Signing in flips the app's auth state: the layout then shows the page asked for in place of this one,
    // and /sign-in itself moves on (SignInRoute).
    signIn.mutate(value);
  };

  return (
    <section className="sign-in card" aria-labelledby={`${id}-title`}>
      <h1 id={`${id}-title`}>Sign in to Assay</h1>
      <p>
        Open the link <code>assay server</code> printed when it started, or paste an API token (make one with{" "}
        <code>assay token create</code> on the server).
      </p>
      {linkFailure ? (
        <p role="alert" className="state error">
          {linkFailure}
        </p>
      ) : null}
      <form onSubmit={submit}>
        <label htmlFor={`${id}-token`}>API token</label>
        <input
          id={`${id}-token`}
          type="password"
          autoComplete="off"
          spellCheck={false}
          autoFocus
          value={token}
          onChange={(event) => setToken(event.target.value)}
          required
        />
        <div>
          <button type="submit" className="primary" disabled={signIn.isPending || !token.trim()}>
            {signIn.isPending ? "Signing in…" : "Sign in"}
          </button>
        </div>
        {signIn.isError ? (
          <p role="alert" className="state error">
            {errorMessage(signIn.error)}
          </p>
        ) : null}
      </form>
    </section>
  );
}

/** Where /sign-in?next=... leads once signed in: a path of this app, never another origin. */
export function nextPath(next: string | null): string {
  return next && next.startsWith("/") && !next.startsWith("//") ? next : "/";
}

/** The /sign-in route: the sign-in page, or on to `?next=` (home by default) once there is a session. */
export function SignInRoute() {
  const auth = useAuthState();
  const [params] = useSearchParams();
  if (auth === "signed-in") return <Navigate to={nextPath(params.get("next"))} replace />;
  return <SignInPage />;
}
