/**
 * A fake 2-D context for tests: it records every call, with the style in force when it was made, so a test can
 * assert what was drawn where (e.g. a keypoint's disc at its scaled position) without a browser.
 */

import type { Canvas2DLike } from "../canvas";

export interface DrawCall {
  op: string;
  args: unknown[];
  fillStyle: string;
  strokeStyle: string;
  lineWidth: number;
  globalAlpha: number;
  lineDash: number[];
}

/** Text is measured as 6 pixels a character, enough for layout assertions. */
export const CHAR_WIDTH = 6;

export class RecordingContext implements Canvas2DLike {
  readonly calls: DrawCall[] = [];
  globalAlpha = 1;
  imageSmoothingEnabled = true;
  strokeStyle: string | CanvasGradient | CanvasPattern = "#000000";
  fillStyle: string | CanvasGradient | CanvasPattern = "#000000";
  lineWidth = 1;
  lineJoin: CanvasLineJoin = "miter";
  font = "10px sans-serif";
  textBaseline: CanvasTextBaseline = "alphabetic";
  textAlign: CanvasTextAlign = "start";
  private lineDash: number[] = [];
  private stack: Omit<DrawCall, "op" | "args">[] = [];

  private record(op: string, args: unknown[]): void {
    this.calls.push({ op, args, ...this.state() });
  }

  private state(): Omit<DrawCall, "op" | "args"> {
    return {
      fillStyle: String(this.fillStyle),
      strokeStyle: String(this.strokeStyle),
      lineWidth: this.lineWidth,
      globalAlpha: this.globalAlpha,
      lineDash: [...this.lineDash],
    };
  }

  save(): void {
    this.stack.push(this.state());
    this.record("save", []);
  }

  restore(): void {
    const state = this.stack.pop();
    if (state !== undefined) {
      this.fillStyle = state.fillStyle;
      this.strokeStyle = state.strokeStyle;
      this.lineWidth = state.lineWidth;
      this.globalAlpha = state.globalAlpha;
      this.lineDash = state.lineDash;
    }
    this.record("restore", []);
  }

  setTransform(...args: number[]): void {
    this.record("setTransform", args);
  }
  clearRect(...args: number[]): void {
    this.record("clearRect", args);
  }
  beginPath(): void {
    this.record("beginPath", []);
  }
  closePath(): void {
    this.record("closePath", []);
  }
  moveTo(...args: number[]): void {
    this.record("moveTo", args);
  }
  lineTo(...args: number[]): void {
    this.record("lineTo", args);
  }
  arc(...args: number[]): void {
    this.record("arc", args);
  }
  rect(...args: number[]): void {
    this.record("rect", args);
  }
  fill(): void {
    this.record("fill", []);
  }
  stroke(): void {
    this.record("stroke", []);
  }
  fillRect(...args: number[]): void {
    this.record("fillRect", args);
  }
  fillText(text: string, x: number, y: number): void {
    this.record("fillText", [text, x, y]);
  }
  strokeText(text: string, x: number, y: number): void {
    this.record("strokeText", [text, x, y]);
  }
  measureText(text: string): { width: number } {
    return { width: text.length * CHAR_WIDTH };
  }
  setLineDash(segments: number[]): void {
    this.lineDash = [...segments];
  }
  drawImage(image: CanvasImageSource, dx: number, dy: number, dw: number, dh: number): void {
    this.record("drawImage", [image, dx, dy, dw, dh, { smoothing: this.imageSmoothingEnabled }]);
  }

  /** The calls of one operation. */
  ops(op: string): DrawCall[] {
    return this.calls.filter((call) => call.op === op);
  }

  /** The discs filled: each `arc` followed (after any other path calls) by a `fill`, with the fill colour. */
  filledArcs(): { x: number; y: number; radius: number; fillStyle: string; globalAlpha: number }[] {
    const out: { x: number; y: number; radius: number; fillStyle: string; globalAlpha: number }[] = [];
    let pending: DrawCall[] = [];
    for (const call of this.calls) {
      if (call.op === "beginPath") pending = [];
      else if (call.op === "arc") pending.push(call);
      else if (call.op === "fill") {
        for (const arc of pending) {
          const [x, y, radius] = arc.args as number[];
          out.push({ x, y, radius, fillStyle: call.fillStyle, globalAlpha: call.globalAlpha });
        }
        pending = [];
      }
    }
    return out;
  }
}
