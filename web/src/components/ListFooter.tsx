// The line under a paged list: how many rows are loaded of how many match.
import { formatCount, plural } from "../format";

export function ListCount({ loaded, total, noun }: { loaded: number; total: number | undefined; noun: string }) {
  if (total === undefined) return null;
  return (
    <p className="muted" aria-live="polite">
      {loaded < total
        ? `${formatCount(loaded)} of ${plural(total, noun)} loaded; scroll for more`
        : plural(total, noun)}
    </p>
  );
}
