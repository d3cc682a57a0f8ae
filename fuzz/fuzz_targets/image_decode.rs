//! Image checks on arbitrary bytes (decoding PNG/JPEG/WebP/GIF/BMP with limits) and arbitrary
//! RGBA buffers, through the tiny real image model: an InputError or a verdict, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let g = common::guard();
    if let Err(e) = g.check_image_bytes(data) {
        assert_eq!(e.name(), "InputError", "{e}");
    }
    if data.len() >= 2 {
        let (w, h) = (data[0] as usize, data[1] as usize);
        if let Err(e) = g.check_image_rgba(&data[2..], w, h) {
            assert_eq!(e.name(), "InputError", "{e}");
        }
    }
});
