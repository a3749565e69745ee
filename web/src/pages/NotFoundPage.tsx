import { Link, useLocation } from "react-router";
import { useTitle } from "../useTitle";

export function NotFoundPage() {
  useTitle("Page not found");
  const location = useLocation();
  return (
    <section>
      <h1>Page not found</h1>
      <p>
        Nothing lives at <code>{location.pathname}</code>. Go to the <Link to="/">home page</Link>.
      </p>
    </section>
  );
}
