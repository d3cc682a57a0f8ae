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
