// A <select> of a suite's versions, newest first, labelled for screen readers and tests.
import { useId } from "react";

import type { SuiteVersionSummary } from "../api/views";
import { formatDateTime } from "../format";

export function VersionPicker({
  label,
  versions,
  value,
  onChange,
  latest,
}: {
  label: string;
  versions: readonly SuiteVersionSummary[];
  value: number;
  onChange: (version: number) => void;
  latest?: number;
}) {
  const id = useId();
  const sorted = [...versions].sort((a, b) => b.version - a.version);
  return (
    <span>
      <label htmlFor={id}>{label}</label>{" "}
      <select id={id} value={value} onChange={(event) => onChange(Number(event.target.value))}>
        {sorted.map((version) => (
          <option key={version.version} value={version.version}>
            v{version.version}
            {version.version === latest ? " (latest)" : ""} — {formatDateTime(version.created)}
          </option>
        ))}
      </select>
    </span>
  );
}
