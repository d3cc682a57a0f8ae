//! Image checks: the `image-guard` bundle, decoding, preprocessing and the image model.
//!
//! An image bundle (kind `image-guard`, docs/BUNDLE_FORMAT.md) holds any ONNX image classifier
//! plus an `image` manifest section that says exactly how to feed it (input name, layout,
//! resize/crop, channel order, scale/mean/std) and how its outputs map to constitution
//! categories (`labels`). Nothing here is specific to one model.
//!
//! Preprocessing starts from 8-bit RGB(A) pixels (alpha is dropped, as PIL's `convert("RGB")`
//! does) and resizes with Pillow's own separable convolution (same kernels, same fixed-point
//! arithmetic, 8-bit intermediate), so parapet's tensors match Pillow's `Image.resize` bit for
//! bit. Downscaling is an area filter (the kernel widens with the scale factor); the horizontal
//! pass writes only `target width x source rows` pixels, so no full-size copy of the image is
//! ever made beyond the input itself.

use crate::bundle::{Container, PartSpec, PresetThresholds};
use crate::error::{Error, Result};
use crate::model::EngineChoice;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;
#[cfg(feature = "tract")]
use tract_onnx::prelude::*;

/// Largest image (width x height) a check accepts, decoded or raw.
pub const MAX_IMAGE_PIXELS: u64 = 100_000_000;
/// Largest encoded image (PNG/JPEG/WebP bytes) a check accepts.
pub const MAX_ENCODED_BYTES: usize = 64 * 1024 * 1024;
/// Largest model input side a manifest may ask for.
const MAX_MODEL_SIDE: usize = 4096;

/// Memory layout of the model's image input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Layout {
    /// `[1, channels, height, width]`.
    #[serde(rename = "NCHW")]
    Nchw,
    /// `[1, height, width, channels]`.
    #[serde(rename = "NHWC")]
    Nhwc,
}

/// Order of the three colour channels in the model input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ChannelOrder {
    /// Red, green, blue.
    #[serde(rename = "RGB")]
    Rgb,
    /// Blue, green, red (Caffe models).
    #[serde(rename = "BGR")]
    Bgr,
}

/// Resampling kernel, as in Pillow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Filter {
    /// Pillow `BILINEAR`: triangle kernel, widened by the scale factor when downscaling.
    Bilinear,
    /// Pillow `BOX`: each output pixel is the (fractional) area average of the input pixels.
    Box,
}

impl Filter {
    fn support(self) -> f64 {
        match self {
            Filter::Bilinear => 1.0,
            Filter::Box => 0.5,
        }
    }

    fn weight(self, x: f64) -> f64 {
        match self {
            Filter::Bilinear => {
                let x = x.abs();
                if x < 1.0 {
                    1.0 - x
                } else {
                    0.0
                }
            }
            Filter::Box => {
                if x > -0.5 && x <= 0.5 {
                    1.0
                } else {
                    0.0
                }
            }
        }
    }
}

/// Resize step: the whole image is stretched to `width x height` (aspect ratio not kept,
/// like Pillow's `Image.resize((w, h))`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResizeSpec {
    /// Target width.
    pub width: usize,
    /// Target height.
    pub height: usize,
    /// Kernel.
    pub filter: Filter,
}

/// A centred crop after resizing (offset `(resize - crop) / 2`, rounded down).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CropSpec {
    /// Crop width (the model's input width).
    pub width: usize,
    /// Crop height (the model's input height).
    pub height: usize,
}

/// What turns the selected output into probabilities.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Activation {
    /// The output already is probabilities (e.g. a softmax inside the graph).
    None,
    /// Independent labels: `sigmoid(logit / temperature)`.
    Sigmoid,
    /// Exclusive classes: `softmax(logits / temperature)` over the whole output row (the
    /// temperature of the first label is used for the row).
    Softmax,
}

/// One model output mapped to a constitution category.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabelSpec {
    /// Column of the output row.
    pub index: usize,
    /// Constitution category id it scores (several labels may share one: the max is taken).
    pub category: String,
    /// Calibration temperature (`sigmoid`/`softmax` activations only).
    #[serde(default = "one")]
    pub temperature: f32,
    /// Default thresholds per preset.
    pub thresholds: PresetThresholds,
}

fn one() -> f32 {
    1.0
}

/// The `image` section of an image-guard manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImageSpec {
    /// Name of the graph's image input.
    pub input: String,
    /// Its layout.
    pub layout: Layout,
    /// Resize step.
    pub resize: ResizeSpec,
    /// Optional centred crop after resizing; absent: the model input is the resized image.
    #[serde(default)]
    pub crop: Option<CropSpec>,
    /// Channel order of the model input.
    pub channels: ChannelOrder,
    /// Pixel values 0..=255 are multiplied by `scale` first.
    pub scale: f32,
    /// Then `mean[c]` is subtracted (in model channel order)...
    pub mean: [f32; 3],
    /// ...and the result divided by `std[c]`.
    pub std: [f32; 3],
    /// Name of the `[1, classes]` output.
    pub output: String,
    /// How the output becomes probabilities.
    pub activation: Activation,
    /// Output columns that score constitution categories.
    pub labels: Vec<LabelSpec>,
}

impl ImageSpec {
    /// Model input `(width, height)`.
    pub fn input_size(&self) -> (usize, usize) {
        match self.crop {
            Some(c) => (c.width, c.height),
            None => (self.resize.width, self.resize.height),
        }
    }
}

/// The manifest of an `image-guard` bundle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImageManifest {
    /// Bundle format version.
    pub format_version: u32,
    /// Always `image-guard`.
    pub kind: String,
    /// Model name.
    pub name: String,
    /// Model version.
    pub version: String,
    /// Licence of the model weights.
    #[serde(default)]
    pub license: String,
    /// How to feed the model and read its outputs.
    pub image: ImageSpec,
    /// Parts in the data section (`model.onnx`).
    pub parts: Vec<PartSpec>,
    /// Everything else (kept for `info`).
    #[serde(flatten)]
    pub extra: BTreeMap<String, serde_json::Value>,
}

/// A verified image bundle.
#[derive(Debug, Clone)]
pub struct ImageBundle {
    /// The manifest.
    pub manifest: ImageManifest,
    /// sha256 (hex) of the whole file.
    pub sha256: String,
    /// The whole file and where its model.onnx part lies in it.
    data: Vec<u8>,
    model: std::ops::Range<usize>,
}

fn bad_manifest(msg: impl Into<String>) -> Error {
    Error::bundle("BAD_MANIFEST", msg)
}

impl ImageBundle {
    /// Parses and verifies an `image-guard` bundle (same container and error codes as text
    /// bundles; a text bundle here is `WRONG_KIND`).
    pub fn from_bytes(bytes: &[u8]) -> Result<ImageBundle> {
        let c = Container::from_bytes(bytes)?;
        if c.kind != "image-guard" {
            return Err(Error::bundle(
                "WRONG_KIND",
                format!(
                    "this bundle is a '{}' bundle; an image model needs an 'image-guard' bundle \
                     (e.g. models/open-nsfw.parapet)",
                    c.kind
                ),
            ));
        }
        let manifest: ImageManifest = c.typed_manifest()?;
        let model = c.parts.get("model.onnx").cloned().ok_or_else(|| {
            Error::bundle("MISSING_PART", "the image bundle has no 'model.onnx' part; rebuild it")
        })?;
        let b = ImageBundle { manifest, sha256: c.sha256, data: c.data, model };
        b.validate()?;
        Ok(b)
    }

    fn validate(&self) -> Result<()> {
        let s = &self.manifest.image;
        let side = |v: usize| (1..=MAX_MODEL_SIDE).contains(&v);
        if !side(s.resize.width) || !side(s.resize.height) {
            return Err(bad_manifest(format!("image.resize must be 1..={MAX_MODEL_SIDE} pixels a side")));
        }
        if let Some(c) = s.crop {
            if !side(c.width) || !side(c.height) || c.width > s.resize.width || c.height > s.resize.height {
                return Err(bad_manifest("image.crop must be at least 1 pixel and fit inside image.resize"));
            }
        }
        let finite = |v: &[f32]| v.iter().all(|x| x.is_finite());
        if !finite(&s.mean) || !finite(&s.std) || !s.scale.is_finite() || s.std.iter().any(|&x| x == 0.0) {
            return Err(bad_manifest("image.scale, mean and std must be finite and std non-zero"));
        }
        if s.labels.is_empty() {
            return Err(bad_manifest("image.labels lists no labels"));
        }
        let ok = |x: f32| (0.0..=1.0).contains(&x);
        for l in &s.labels {
            let t = &l.thresholds;
            if !(l.temperature.is_finite() && l.temperature > 0.0)
                || !(ok(t.strict) && ok(t.balanced) && ok(t.permissive))
            {
                return Err(bad_manifest(format!(
                    "image label {} ('{}') has an invalid temperature or threshold",
                    l.index, l.category
                )));
            }
            if l.index > 1 << 20 {
                return Err(bad_manifest(format!("image label index {} is absurd", l.index)));
            }
        }
        Ok(())
    }

    /// The ONNX model bytes.
    pub fn model_bytes(&self) -> &[u8] {
        self.data.get(self.model.clone()).unwrap_or_default()
    }
}

/// 8-bit pixels borrowed from the caller: `channels` is 3 (RGB) or 4 (RGBA, alpha ignored).
#[derive(Debug, Clone, Copy)]
pub struct Pixels<'a> {
    /// Row-major pixel data, `width * height * channels` bytes.
    pub data: &'a [u8],
    /// Width in pixels.
    pub width: usize,
    /// Height in pixels.
    pub height: usize,
    /// Bytes per pixel: 3 or 4.
    pub channels: usize,
}

impl<'a> Pixels<'a> {
    /// Checks dimensions against the data (`EMPTY_IMAGE`, `TOO_LARGE`, `BAD_DIMENSIONS`).
    pub fn new(data: &'a [u8], width: usize, height: usize, channels: usize) -> Result<Pixels<'a>> {
        if width == 0 || height == 0 {
            return Err(Error::input(
                "EMPTY_IMAGE",
                format!("the image is {width}x{height}; an image needs at least one pixel"),
            ));
        }
        check_pixels(width as u64, height as u64)?;
        let expected = (width * height).checked_mul(channels); // w*h <= 1e8 after check_pixels
        if !(channels == 3 || channels == 4) || expected != Some(data.len()) {
            return Err(Error::input(
                "BAD_DIMENSIONS",
                format!(
                    "{width}x{height} pixels with {channels} channels need {} bytes (width * \
                     height * {channels}), got {}; pass RGBA data of exactly width * height * 4 bytes",
                    (width * height).saturating_mul(channels),
                    data.len()
                ),
            ));
        }
        Ok(Pixels { data, width, height, channels })
    }
}

fn check_pixels(width: u64, height: u64) -> Result<()> {
    if width.saturating_mul(height) > MAX_IMAGE_PIXELS {
        return Err(Error::input(
            "TOO_LARGE",
            format!(
                "the image is {width}x{height} = {} pixels; one check takes at most \
                 {MAX_IMAGE_PIXELS} (100 megapixels), downscale it first",
                width.saturating_mul(height)
            ),
        ));
    }
    Ok(())
}

/// Pillow's fixed-point precision for 8-bit resampling.
const PRECISION_BITS: u32 = 32 - 8 - 2;

/// Per output pixel: first input index, count, and `ksize` fixed-point weights.
struct Coeffs {
    bounds: Vec<(usize, usize)>,
    ksize: usize,
    kk: Vec<i32>,
}

/// Pillow's `precompute_coeffs` + `normalize_coeffs_8bpc` for one axis.
fn coeffs(in_size: usize, out_size: usize, filter: Filter) -> Coeffs {
    let scale = in_size as f64 / out_size as f64;
    let filterscale = scale.max(1.0);
    let support = filter.support() * filterscale;
    let ksize = support.ceil() as usize * 2 + 1;
    let mut bounds = Vec::with_capacity(out_size);
    let mut kk = vec![0i32; out_size * ksize];
    let mut k = vec![0f64; ksize];
    for xx in 0..out_size {
        let center = (xx as f64 + 0.5) * scale;
        let ss = 1.0 / filterscale;
        // C casts truncate toward zero.
        let xmin = ((center - support + 0.5) as i64).max(0) as usize;
        let xmax = (((center + support + 0.5) as i64).min(in_size as i64) as usize).saturating_sub(xmin);
        let xmax = xmax.min(ksize);
        let mut ww = 0.0;
        for (x, kx) in k.iter_mut().enumerate().take(xmax) {
            let w = filter.weight((x as f64 + xmin as f64 - center + 0.5) * ss);
            *kx = w;
            ww += w;
        }
        for (x, kx) in k.iter().enumerate().take(xmax) {
            let v = if ww != 0.0 { kx / ww } else { *kx };
            let f = v * (1u32 << PRECISION_BITS) as f64;
            kk[xx * ksize + x] = if v < 0.0 { (f - 0.5) as i32 } else { (f + 0.5) as i32 };
        }
        bounds.push((xmin, xmax));
    }
    Coeffs { bounds, ksize, kk }
}

#[inline]
fn clip8(v: i64) -> u8 {
    if v >= (1i64 << PRECISION_BITS) << 8 {
        255
    } else if v <= 0 {
        0
    } else {
        (v >> PRECISION_BITS) as u8
    }
}

/// Resizes 8-bit RGB(A) pixels to `out_w x out_h` RGB exactly as Pillow's `Image.resize` does
/// for an RGB image (horizontal pass first, 8-bit intermediate, rounding as Pillow). Memory:
/// the intermediate is `out_w x (source rows the vertical pass reads) x 3` bytes, never a
/// full-size copy.
pub fn resize_rgb(px: &Pixels, out_w: usize, out_h: usize, filter: Filter) -> Vec<u8> {
    let (w, h, ch) = (px.width, px.height, px.channels);
    let horiz = coeffs(w, out_w, filter);
    let vert = coeffs(h, out_h, filter);
    // Rows the vertical pass needs.
    let first = vert.bounds.first().map_or(0, |b| b.0);
    let last = vert.bounds.last().map_or(0, |b| b.0 + b.1).min(h);
    let rows = last.saturating_sub(first);
    let half = 1i64 << (PRECISION_BITS - 1);
    let mut tmp = vec![0u8; out_w * rows * 3];
    for y in 0..rows {
        let src = &px.data[(first + y) * w * ch..(first + y + 1) * w * ch];
        let dst = &mut tmp[y * out_w * 3..(y + 1) * out_w * 3];
        for (xx, &(xmin, n)) in horiz.bounds.iter().enumerate() {
            let k = &horiz.kk[xx * horiz.ksize..xx * horiz.ksize + n];
            let (mut r, mut g, mut b) = (half, half, half);
            for (x, &kx) in k.iter().enumerate() {
                let p = (xmin + x) * ch;
                r += src[p] as i64 * kx as i64;
                g += src[p + 1] as i64 * kx as i64;
                b += src[p + 2] as i64 * kx as i64;
            }
            dst[xx * 3] = clip8(r);
            dst[xx * 3 + 1] = clip8(g);
            dst[xx * 3 + 2] = clip8(b);
        }
    }
    let mut out = vec![0u8; out_w * out_h * 3];
    let row = out_w * 3;
    for (yy, &(ymin, n)) in vert.bounds.iter().enumerate() {
        let k = &vert.kk[yy * vert.ksize..yy * vert.ksize + n];
        let base = ymin - first;
        for xc in 0..row {
            let mut s = half;
            for (y, &ky) in k.iter().enumerate() {
                s += tmp[(base + y) * row + xc] as i64 * ky as i64;
            }
            out[yy * row + xc] = clip8(s);
        }
    }
    out
}

/// Builds the model's input tensor data (`[1,H,W,3]` or `[1,3,H,W]` f32) from pixels.
pub fn preprocess(px: &Pixels, spec: &ImageSpec) -> Result<Vec<f32>> {
    // The fields are public: re-check them so no caller can make the resampler index out of
    // bounds.
    let px = &Pixels::new(px.data, px.width, px.height, px.channels)?;
    let (rw, rh) = (spec.resize.width, spec.resize.height);
    let rgb = resize_rgb(px, rw, rh, spec.resize.filter);
    let (iw, ih) = spec.input_size();
    let (ox, oy) = ((rw - iw) / 2, (rh - ih) / 2);
    let order: [usize; 3] = match spec.channels {
        ChannelOrder::Rgb => [0, 1, 2],
        ChannelOrder::Bgr => [2, 1, 0],
    };
    let mut out = vec![0f32; iw * ih * 3];
    for y in 0..ih {
        for x in 0..iw {
            let p = ((oy + y) * rw + ox + x) * 3;
            for (c, &src) in order.iter().enumerate() {
                let v = (rgb[p + src] as f32 * spec.scale - spec.mean[c]) / spec.std[c];
                let at = match spec.layout {
                    Layout::Nhwc => (y * iw + x) * 3 + c,
                    Layout::Nchw => (c * ih + y) * iw + x,
                };
                out[at] = v;
            }
        }
    }
    Ok(out)
}

/// A decoded image: 8-bit RGB or RGBA pixels.
#[derive(Debug, Clone)]
pub struct Decoded {
    /// Pixel bytes.
    pub data: Vec<u8>,
    /// Width.
    pub width: usize,
    /// Height.
    pub height: usize,
    /// 3 or 4.
    pub channels: usize,
}

impl Decoded {
    /// Borrowed view for [`preprocess`].
    pub fn pixels(&self) -> Pixels<'_> {
        Pixels { data: &self.data, width: self.width, height: self.height, channels: self.channels }
    }
}

#[cfg(feature = "tract")]
fn bad_image(e: impl std::fmt::Display) -> Error {
    Error::input(
        "BAD_IMAGE",
        format!("the image cannot be decoded ({e}); pass PNG, JPEG or WebP bytes, or RGBA pixels"),
    )
}

/// Decodes PNG, JPEG or WebP bytes: the lite build has no image decoders.
#[cfg(not(feature = "tract"))]
pub fn decode(_bytes: &[u8]) -> Result<Decoded> {
    Err(crate::model::no_tract("decoding PNG, JPEG or WebP images needs the image decoders"))
}

/// Decodes PNG, JPEG or WebP bytes. Size limits are checked before decoding (encoded size,
/// then the header's dimensions) and enforced again by the decoder's own limits.
#[cfg(feature = "tract")]
pub fn decode(bytes: &[u8]) -> Result<Decoded> {
    use image::{DynamicImage, ImageFormat, ImageReader, Limits};
    if bytes.is_empty() {
        return Err(Error::input(
            "EMPTY_IMAGE",
            "the image is 0 bytes; pass the complete PNG, JPEG or WebP file",
        ));
    }
    if bytes.len() > MAX_ENCODED_BYTES {
        return Err(Error::input(
            "TOO_LARGE",
            format!(
                "the encoded image is {} bytes; one check takes at most {MAX_ENCODED_BYTES} (64 MiB)",
                bytes.len()
            ),
        ));
    }
    let format = image::guess_format(bytes).map_err(bad_image)?;
    if !matches!(format, ImageFormat::Png | ImageFormat::Jpeg | ImageFormat::WebP) {
        return Err(Error::input(
            "UNSUPPORTED_FORMAT",
            format!("{format:?} images are not supported; pass PNG, JPEG or WebP bytes, or RGBA pixels"),
        ));
    }
    // JPEG decoders fill a cut-off scan with grey instead of failing: a JPEG with no
    // end-of-image marker near its end is refused as truncated.
    if format == ImageFormat::Jpeg && !bytes[bytes.len().saturating_sub(4096)..].windows(2).any(|w| w == [0xFF, 0xD9]) {
        return Err(Error::input(
            "BAD_IMAGE",
            "the JPEG has no end-of-image marker: it is truncated; pass the complete file",
        ));
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(1 << 20);
    limits.max_image_height = Some(1 << 20);
    // RGBA8 of the largest accepted image plus decoder scratch.
    limits.max_alloc = Some(MAX_IMAGE_PIXELS * 4 + (64 << 20));
    let reader = |limits: Limits| {
        let mut r = ImageReader::with_format(std::io::Cursor::new(bytes), format);
        r.limits(limits);
        r
    };
    let (w, h) = reader(limits.clone()).into_dimensions().map_err(|e| match e {
        image::ImageError::Limits(_) => Error::input("TOO_LARGE", format!("the image is too large: {e}")),
        e => bad_image(e),
    })?;
    if w == 0 || h == 0 {
        return Err(Error::input(
            "EMPTY_IMAGE",
            format!("the image is {w}x{h}; an image needs at least one pixel"),
        ));
    }
    check_pixels(w as u64, h as u64)?;
    let img = reader(limits).decode().map_err(|e| match e {
        image::ImageError::Limits(_) => Error::input("TOO_LARGE", format!("the image is too large: {e}")),
        e => bad_image(e),
    })?;
    let (width, height) = (img.width() as usize, img.height() as usize);
    let (data, channels) = match img {
        DynamicImage::ImageRgb8(b) => (b.into_raw(), 3),
        DynamicImage::ImageRgba8(b) => (b.into_raw(), 4),
        other => (other.to_rgb8().into_raw(), 3),
    };
    Ok(Decoded { data, width, height, channels })
}

#[cfg(feature = "tract")]
fn bad_model(e: impl std::fmt::Display) -> Error {
    Error::bundle("BAD_MODEL", format!("the image bundle's model.onnx cannot be loaded: {e:#}"))
}

/// What runs the image model.
#[derive(Debug, Clone)]
enum ImageEngine {
    /// parapet's int8 CNN engine (`parapet_int8::cnn`): plain convolutional classifiers; in
    /// both builds.
    Int8(Arc<parapet_int8::cnn::Cnn>),
    /// tract's optimised f32 plan: any ONNX classifier (full build).
    #[cfg(feature = "tract")]
    Tract(Arc<TypedRunnableModel>),
}

/// A runnable image classifier (batch of one).
#[derive(Debug, Clone)]
pub struct ImageModel {
    engine: ImageEngine,
    spec: ImageSpec,
    classes: usize,
}

impl ImageModel {
    /// Loads the model on the engine `auto` picks: the int8 engine for a graph it recognises,
    /// tract for any other.
    pub fn from_bundle(b: &ImageBundle) -> Result<ImageModel> {
        ImageModel::from_bundle_with(b, EngineChoice::Auto)
    }

    /// Loads the model on the chosen engine (`Int8` for a graph the int8 engine does not
    /// recognise is `BundleError UNSUPPORTED_ENGINE`) and validates it against its manifest.
    pub fn from_bundle_with(b: &ImageBundle, choice: EngineChoice) -> Result<ImageModel> {
        let spec = b.manifest.image.clone();
        let (w, h) = spec.input_size();
        let int8 = match choice {
            EngineChoice::Tract => None,
            _ => {
                let cs = parapet_int8::cnn::CnnSpec {
                    input: &spec.input,
                    output: &spec.output,
                    layout: match spec.layout {
                        Layout::Nhwc => parapet_int8::cnn::Layout::Nhwc,
                        Layout::Nchw => parapet_int8::cnn::Layout::Nchw,
                    },
                    height: h,
                    width: w,
                    channels: 3,
                };
                parapet_int8::cnn::Cnn::recognize(b.model_bytes(), &cs)
            }
        };
        let (engine, classes) = match int8 {
            Some(cnn) => {
                let classes = cnn.classes();
                (ImageEngine::Int8(Arc::new(cnn)), classes)
            }
            None if choice == EngineChoice::Int8 => {
                return Err(Error::bundle(
                    "UNSUPPORTED_ENGINE",
                    "the int8 engine runs plain convolutional classifiers (Conv, Relu, Add, MaxPool, \
                     GlobalAveragePool, Flatten, Gemm, Softmax, Sigmoid) and does not recognise this \
                     image model; load it with engine \"auto\" or \"tract\"",
                ))
            }
            None => tract_model(b, &spec)?,
        };
        if let Some(l) = spec.labels.iter().find(|l| l.index >= classes) {
            return Err(Error::bundle(
                "OUTPUT_MISMATCH",
                format!(
                    "label '{}' reads output column {} but the model has {classes} outputs; the \
                     manifest does not describe this model, rebuild the bundle",
                    l.category, l.index
                ),
            ));
        }
        Ok(ImageModel { engine, spec, classes })
    }

    /// Which engine runs the model: `"int8"` or `"tract"`.
    pub fn engine(&self) -> &'static str {
        match self.engine {
            ImageEngine::Int8(_) => "int8",
            #[cfg(feature = "tract")]
            ImageEngine::Tract(_) => "tract",
        }
    }

    /// The raw output row for a preprocessed tensor.
    pub fn run_raw(&self, input: Vec<f32>) -> Result<Vec<f32>> {
        let row = match &self.engine {
            ImageEngine::Int8(cnn) => cnn.run(&input).map_err(Error::inference)?,
            #[cfg(feature = "tract")]
            ImageEngine::Tract(plan) => {
                let (shape, row) = run_tract(plan, &self.spec, input).map_err(Error::inference)?;
                if shape != [1, self.classes] {
                    return Err(Error::inference(format!("unexpected output shape {shape:?}")));
                }
                row
            }
        };
        if row.len() != self.classes {
            return Err(Error::inference(format!("the image model returned {} values, not {}", row.len(), self.classes)));
        }
        Ok(row)
    }

    /// The manifest's image section.
    pub fn spec(&self) -> &ImageSpec {
        &self.spec
    }

    /// Calibrated probability of every label (manifest order) for a preprocessed tensor.
    pub fn label_probs(&self, input: Vec<f32>) -> Result<Vec<f32>> {
        let row = self.run_raw(input)?;
        let t0 = self.spec.labels.first().map_or(1.0, |l| l.temperature);
        let soft: Vec<f32> = if self.spec.activation == Activation::Softmax {
            let m = row.iter().map(|x| x / t0).fold(f32::NEG_INFINITY, f32::max);
            let e: Vec<f32> = row.iter().map(|x| (x / t0 - m).exp()).collect();
            let s: f32 = e.iter().sum();
            e.iter().map(|x| x / s).collect()
        } else {
            vec![]
        };
        Ok(self
            .spec
            .labels
            .iter()
            .map(|l| {
                let x = row.get(l.index).copied().unwrap_or(0.0);
                match self.spec.activation {
                    Activation::None => x,
                    Activation::Sigmoid => 1.0 / (1.0 + (-x / l.temperature).exp()),
                    Activation::Softmax => soft.get(l.index).copied().unwrap_or(0.0),
                }
            })
            .collect())
    }
}

/// The model on tract, and its number of classes (from a probe run).
#[cfg(feature = "tract")]
fn tract_model(b: &ImageBundle, spec: &ImageSpec) -> Result<(ImageEngine, usize)> {
    let (w, h) = spec.input_size();
    let plan = tract_plan(b, spec)?;
    let probe = run_tract(&plan, spec, vec![0.0; w * h * 3]).map_err(bad_model)?;
    match probe.0.as_slice() {
        [_, n] => Ok((ImageEngine::Tract(plan), *n)),
        s => Err(Error::bundle(
            "OUTPUT_MISMATCH",
            format!("the image model's output has shape {s:?}; a [1, classes] output is needed"),
        )),
    }
}

/// The lite build has no tract: a graph the int8 engine does not run (or engine `tract`) is
/// `BundleError UNSUPPORTED_ENGINE`.
#[cfg(not(feature = "tract"))]
fn tract_model(_b: &ImageBundle, _spec: &ImageSpec) -> Result<(ImageEngine, usize)> {
    Err(crate::model::no_tract(
        "this image model needs tract (it is not a plain CNN the int8 image engine runs, or engine \"tract\" was asked for)",
    ))
}

/// Parses and optimises the bundle's model with tract for the manifest's input.
#[cfg(feature = "tract")]
fn tract_plan(b: &ImageBundle, spec: &ImageSpec) -> Result<Arc<TypedRunnableModel>> {
    let mut model = tract_onnx::onnx()
        .with_ignore_value_info(true)
        .with_ignore_output_shapes(true)
        .model_for_read(&mut std::io::Cursor::new(b.model_bytes()))
        .map_err(bad_model)?;
    model.set_input_names([&spec.input]).map_err(bad_model)?;
    model.select_outputs_by_name([&spec.output]).map_err(bad_model)?;
    model.set_input_fact(0, f32::fact(input_shape(spec)).into()).map_err(bad_model)?;
    model
        .into_typed()
        .and_then(|m| m.into_decluttered())
        .and_then(|m| m.into_optimized())
        .and_then(|m| m.into_runnable())
        .map_err(bad_model)
}

#[cfg(feature = "tract")]
fn input_shape(spec: &ImageSpec) -> [usize; 4] {
    let (w, h) = spec.input_size();
    match spec.layout {
        Layout::Nhwc => [1, h, w, 3],
        Layout::Nchw => [1, 3, h, w],
    }
}

/// Runs tract's plan on a preprocessed tensor: the output's shape and values.
#[cfg(feature = "tract")]
fn run_tract(plan: &Arc<TypedRunnableModel>, spec: &ImageSpec, input: Vec<f32>) -> TractResult<(Vec<usize>, Vec<f32>)> {
    let t = tract_ndarray::ArrayD::from_shape_vec(&input_shape(spec)[..], input)?;
    let out = plan.run(tvec!(t.into_tvalue()))?;
    let o = out.first().ok_or_else(|| TractError::msg("the model returned no output"))?;
    let v = o.try_as_plain_ram().and_then(|p| p.as_slice::<f32>())?.to_vec();
    Ok((o.shape().to_vec(), v))
}
