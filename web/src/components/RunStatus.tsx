// A test run's status badge and progress bar.
import { formatCount } from "../format";

export type RunStatusName = "running" | "completed" | "crashed";

export interface RunProgressLike {
  samples_total: number;
  samples_inferred: number;
  configurations_total: number;
  configurations_completed: number;
}

export function StatusBadge({ status, message }: { status: RunStatusName; message?: string }) {
  return (
    <span className={`badge ${status}`} title={message || undefined}>
      {status}
    </span>
  );
}

/** The fraction done: inferences stored, and configurations complete once inference is done. */
export function progressFraction(progress: RunProgressLike, status: RunStatusName): number {
  if (status === "completed") return 1;
  const samples = progress.samples_total > 0 ? progress.samples_inferred / progress.samples_total : 0;
  const configurations =
    progress.configurations_total > 0 ? progress.configurations_completed / progress.configurations_total : 0;
  // Inference is most of a run's time; evaluation of every configuration follows it.
  return Math.min(1, Math.max(0, 0.9 * samples + 0.1 * configurations));
}

export function RunProgressBar({ progress, status }: { progress: RunProgressLike; status: RunStatusName }) {
  const fraction = progressFraction(progress, status);
  const text =
    `${formatCount(progress.samples_inferred)} of ${formatCount(progress.samples_total)} samples inferred, ` +
    `${progress.configurations_completed} of ${progress.configurations_total} configurations evaluated`;
  return (
    <span className="progress" title={text}>
      <progress max={1} value={fraction} aria-label={text} />
      <span className="muted">
        {formatCount(progress.samples_inferred)}/{formatCount(progress.samples_total)}
        {progress.configurations_total > 1
          ? ` · ${progress.configurations_completed}/${progress.configurations_total}`
          : null}
      </span>
    </span>
  );
}
