// Turns whatever image the app has into something the engine takes: ImageData-like RGBA
// (`{width, height, data}`) or encoded PNG/JPEG/WebP bytes. DOM images, canvases, ImageBitmaps
// and video frames are drawn once onto a canvas; Blobs are passed as their bytes when the engine
// decodes the format, and decoded by the browser otherwise (GIF, AVIF, ...).
// Returns `{ image, transfer }`: the buffers in `transfer` were made here and may be moved to a
// worker without copying.

import { inputError } from './errors.js';

const ENGINE_FORMATS = new Set(['image/png', 'image/jpeg', 'image/webp']);

function has(name) {
  return typeof globalThis[name] !== 'undefined';
}

function drawToImageData(source, width, height) {
  if (!width || !height) {
    throw inputError('EMPTY_IMAGE', 'the image has no pixels (width or height is 0): wait until it has loaded ' +
      '(img.decode() or the load event) before checking it');
  }
  let ctx;
  if (has('OffscreenCanvas')) {
    ctx = new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true });
  } else if (has('document')) {
    const c = document.createElement('canvas');
    c.width = width;
    c.height = height;
    ctx = c.getContext('2d', { willReadFrequently: true });
  } else {
    throw inputError('INVALID_ARGUMENT', 'drawing an image needs a canvas (OffscreenCanvas or document)');
  }
  ctx.drawImage(source, 0, 0, width, height);
  return ctx.getImageData(0, 0, width, height);
}

/** @returns {Promise<{image: any, transfer: ArrayBuffer[]}>} */
export async function toEngineImage(img) {
  if (img === null || typeof img !== 'object') {
    throw inputError('INVALID_ARGUMENT', 'checkImage takes an HTMLImageElement, canvas, ImageBitmap, video frame, ' +
      `Blob/File, ImageData, {width, height, data} or the bytes of a PNG/JPEG/WebP file; got ${img === null ? 'null' : typeof img}`);
  }
  if (img instanceof Uint8Array) return { image: img, transfer: [] };
  if (img instanceof ArrayBuffer) return { image: new Uint8Array(img), transfer: [] };
  if (has('Blob') && img instanceof Blob) {
    if (ENGINE_FORMATS.has(img.type) || (!img.type && !has('createImageBitmap'))) {
      const buf = await img.arrayBuffer();
      return { image: new Uint8Array(buf), transfer: [buf] };
    }
    if (!has('createImageBitmap')) {
      throw inputError('UNSUPPORTED_FORMAT', `cannot decode a ${img.type || 'untyped'} Blob here; use PNG, JPEG or WebP`);
    }
    let bmp;
    try {
      bmp = await createImageBitmap(img);
    } catch (e) {
      throw inputError('BAD_IMAGE', `the browser cannot decode this ${img.type || ''} image: ${e.message}`);
    }
    try {
      const data = drawToImageData(bmp, bmp.width, bmp.height);
      return { image: data, transfer: [data.data.buffer] };
    } finally {
      bmp.close();
    }
  }
  if (has('HTMLImageElement') && img instanceof HTMLImageElement) {
    if (!img.complete) await img.decode();
    const data = drawToImageData(img, img.naturalWidth, img.naturalHeight);
    return { image: data, transfer: [data.data.buffer] };
  }
  if (has('HTMLVideoElement') && img instanceof HTMLVideoElement) {
    const data = drawToImageData(img, img.videoWidth, img.videoHeight);
    return { image: data, transfer: [data.data.buffer] };
  }
  if ((has('HTMLCanvasElement') && img instanceof HTMLCanvasElement) ||
      (has('OffscreenCanvas') && img instanceof OffscreenCanvas)) {
    const ctx = img.getContext('2d');
    const data = ctx ? ctx.getImageData(0, 0, img.width, img.height) : drawToImageData(img, img.width, img.height);
    return { image: data, transfer: [data.data.buffer] };
  }
  if (has('ImageBitmap') && img instanceof ImageBitmap) {
    const data = drawToImageData(img, img.width, img.height);
    return { image: data, transfer: [data.data.buffer] };
  }
  // ImageData or a plain {width, height, data}: the engine validates it (BAD_DIMENSIONS, ...).
  return { image: img, transfer: [] };
}

/** PNG, JPEG or WebP by their first bytes. */
function engineFormat(b) {
  if (b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return 'image/png';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b.length >= 12 && b[0] === 0x52 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x46 &&
      b[8] === 0x57 && b[9] === 0x45 && b[10] === 0x42 && b[11] === 0x50) return 'image/webp';
  return null;
}

/**
 * Decodes PNG/JPEG/WebP bytes to RGBA pixels with the platform's own decoder (browsers and
 * workers: createImageBitmap + a canvas), for the lite build, which has no decoders. Returns
 * null where the platform cannot (Node) or the bytes do not decode: the engine then reports
 * (or, on the full build, decodes) them itself.
 */
export async function decodeToPixels(bytes) {
  const type = engineFormat(bytes);
  if (!type || !has('createImageBitmap') || !has('Blob') || !(has('OffscreenCanvas') || has('document'))) return null;
  let bmp;
  try {
    bmp = await createImageBitmap(new Blob([bytes], { type }));
  } catch {
    return null;
  }
  try {
    return drawToImageData(bmp, bmp.width, bmp.height);
  } catch {
    return null;
  } finally {
    bmp.close();
  }
}
