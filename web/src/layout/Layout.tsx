// The app's shell: top bar (brand, sections, shortcuts, session), the page, the `?` overlay. Any 401 puts
// the sign-in page in place of the page asked for, at the same URL, so signing in shows it.
import { useEffect, useState } from "react";
import { Link, NavLink, Outlet, useMatch, useMatches, useNavigate } from "react-router";

import { useAuthState } from "../api/auth";
import { useSession, useSignOut } from "../api/views";
import { ShortcutOverlay } from "../components/ShortcutOverlay";
import { installShortcuts, useShortcut } from "../shortcuts";
import { SignInPage } from "../pages/SignInPage";
import { NAV_ITEMS, type NavItem } from "./nav";
import { SignInCodeGate } from "./SignInCodeGate";

/** What a route may say about the shell in its `handle`. */
export interface RouteHandle {
  /** Use the full window width (the results table). */
  wide?: boolean;
}

function NavShortcut({ item }: { item: NavItem }) {
  const navigate = useNavigate();
  useShortcut(`g ${item.shortcut}`, `Go to ${item.label}`, () => void navigate(item.to), "Navigation");
  return null;
}

function SessionControls() {
  const session = useSession();
  const signOut = useSignOut();
  if (!session.data) return null;
  return (
    <>
      <span className="muted" title="The API token this session stands for">
        {session.data.token_name}
      </span>
      <button type="button" onClick={() => signOut.mutate()} disabled={signOut.isPending}>
        Sign out
      </button>
    </>
  );
}

function Shell() {
  const auth = useAuthState();
  const [help, setHelp] = useState(false);
  const matches = useMatches();
  // /sign-in is the sign-in page already; swapping in another instance would drop what was typed.
  const atSignIn = useMatch("/sign-in") !== null;
  const showSignIn = auth === "signed-out" && !atSignIn;
  const wide = matches.some((match) => (match.handle as RouteHandle | undefined)?.wide);

  useEffect(() => installShortcuts(), []);
  useShortcut("?", "Show keyboard shortcuts", () => setHelp((open) => !open), "General");

  return (
    <>
      <a className="visually-hidden skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link to="/" className="brand">
          Assay
        </Link>
        <nav aria-label="Main">
          <ul>
            {NAV_ITEMS.map((item) => (
              <li key={item.to}>
                <NavLink to={item.to} end={item.end}>
                  {item.label}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
        {NAV_ITEMS.filter((item) => item.shortcut).map((item) => (
          <NavShortcut key={item.to} item={item} />
        ))}
        <span className="spacer" />
        <button type="button" onClick={() => setHelp(true)} aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)">
          ?
        </button>
        {auth === "signed-out" ? null : <SessionControls />}
      </header>
      <main id="main" className={wide ? "wide" : undefined}>
        {showSignIn ? <SignInPage /> : <Outlet />}
      </main>
      <ShortcutOverlay open={help} onClose={() => setHelp(false)} />
    </>
  );
}

export function Layout() {
  return (
    <SignInCodeGate>
      <Shell />
    </SignInCodeGate>
  );
}
