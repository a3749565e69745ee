/** Classification labels of the whole sample: tags stacked in the image's top-left corner, one per label. */

import { CHIP_HEIGHT, drawChip, labelText } from "./text";
import type { Renderer } from "./types";

const GAP = 2;

export const labelRenderer: Renderer = {
  kind: "label",
  drawn: true,
  draw(annotation, env): boolean {
    const text = labelText(annotation);
    if (text === "") return false;
    const { ctx, style, corner } = env;
    ctx.globalAlpha = style.alpha;
    // A tag's colour is its layer's; a match status, when there is one, is the tag's edge.
    drawChip(ctx, text, corner.x, corner.y, style.fill);
    if (style.stroke !== style.fill) {
      ctx.fillStyle = style.stroke;
      ctx.fillRect(corner.x - 3, corner.y, 3, CHIP_HEIGHT);
    }
    corner.y += CHIP_HEIGHT + GAP;
    return true;
  },
  describe: (annotation) => labelText(annotation) || "label",
};
