// A text cut into pieces at its segments' bounds, each piece with the segments over it, so TEXT_SEGMENT
// annotations show as highlights however they overlap.

export interface Segment {
  start: number;
  end: number;
  colour: string;
  /** What the highlight's hover text says (layer, label, score). */
  title: string;
}

export interface TextPiece {
  text: string;
  start: number;
  segments: Segment[];
}

/** The text in pieces, each covered by the same segments (none for the plain stretches between). */
export function textPieces(text: string, segments: readonly Segment[]): TextPiece[] {
  const valid = segments
    .map((segment) => ({ ...segment, start: Math.max(0, segment.start), end: Math.min(text.length, segment.end) }))
    .filter((segment) => segment.end > segment.start);
  const cuts = new Set<number>([0, text.length]);
  for (const segment of valid) {
    cuts.add(segment.start);
    cuts.add(segment.end);
  }
  const bounds = [...cuts].sort((a, b) => a - b);
  const pieces: TextPiece[] = [];
  for (let i = 0; i + 1 < bounds.length; i += 1) {
    const [start, end] = [bounds[i], bounds[i + 1]];
    if (end <= start) continue;
    pieces.push({ text: text.slice(start, end), start, segments: valid.filter((s) => s.start <= start && s.end >= end) });
  }
  return pieces;
}
