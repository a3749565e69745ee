/**
 * Colouring a segmentation mask: the PNG holds one class value per pixel (decoded by the browser as grey,
 * r = g = b = value); each value becomes its class colour, and 0 (background) stays clear.
 */

import { classRgb } from "./palette";

/** RGBA of each class value 0..255 (value 0 transparent). */
const TABLE: Uint8ClampedArray = (() => {
  const table = new Uint8ClampedArray(256 * 4);
  for (let value = 1; value < 256; value++) {
    const [r, g, b] = classRgb(value);
    table.set([r, g, b, 255], value * 4);
  }
  return table;
})();

/**
 * RGBA pixels of a decoded class map (as `getImageData` returns them) recoloured by class, in place.
 * A pixel the decoder made transparent stays transparent.
 */
export function colourClassMap(pixels: Uint8ClampedArray): Uint8ClampedArray {
  for (let i = 0; i < pixels.length; i += 4) {
    const value = pixels[i];
    if (pixels[i + 3] === 0 || value === 0) {
      pixels[i + 3] = 0;
      continue;
    }
    const at = value * 4;
    pixels[i] = TABLE[at];
    pixels[i + 1] = TABLE[at + 1];
    pixels[i + 2] = TABLE[at + 2];
    pixels[i + 3] = 255;
  }
  return pixels;
}
