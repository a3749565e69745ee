// The document's title follows the page, so history, tabs and bookmarks say which page they are.
import { useEffect } from "react";

export function useTitle(title: string | null | undefined): void {
  useEffect(() => {
    document.title = title ? `${title} · Assay` : "Assay";
  }, [title]);
}
