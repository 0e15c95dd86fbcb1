//! The window icon: the shapes of packaging/linux/hk.ecert.Manager.svg (a blue card, a gold
//! chip, two text lines and a white seal) drawn into a 64×64 RGBA image at start, so no image
//! decoder is needed (iced's `window::icon::from_rgba`).

/// Side of the icon in pixels (the SVG's 128 units, halved).
pub const SIZE: u32 = 64;
/// The same, for pixel loops.
const SIDE: u16 = 64;
/// SVG units per pixel.
const SCALE: f32 = 2.0;

const CLEAR: [u8; 4] = [0, 0, 0, 0];
const CARD: [u8; 4] = [0x2f, 0x5f, 0xd0, 0xff];
const CHIP: [u8; 4] = [0xf2, 0xc1, 0x4e, 0xff];
const WHITE: [u8; 4] = [0xff, 0xff, 0xff, 0xff];
const PALE: [u8; 4] = [0xdb, 0xe4, 0xff, 0xff];
const GREEN: [u8; 4] = [0x2f, 0x9e, 0x44, 0xff];

/// The colour at SVG coordinates (x, y), later shapes on top as in the SVG.
fn colour_at(x: f32, y: f32) -> [u8; 4] {
    let inside = |x0: f32, y0: f32, w: f32, h: f32| x >= x0 && x < x0 + w && y >= y0 && y < y0 + h;
    let (dx, dy) = (x - 96.0, y - 86.0);
    let seal = dx * dx + dy * dy;
    if seal <= 5.0 * 5.0 {
        GREEN
    } else if seal <= 14.0 * 14.0 {
        WHITE
    } else if inside(56.0, 58.0, 40.0, 6.0) {
        PALE
    } else if inside(56.0, 44.0, 52.0, 6.0) {
        WHITE
    } else if inside(20.0, 44.0, 26.0, 20.0) {
        CHIP
    } else if inside(8.0, 24.0, 112.0, 80.0) {
        CARD
    } else {
        CLEAR
    }
}

/// The icon's pixels, row by row, RGBA.
pub fn rgba() -> Vec<u8> {
    // Pixel centres in SVG units; u16 → f32 is exact.
    let centre = |p: u16| (f32::from(p) + 0.5) * SCALE;
    (0..SIDE)
        .flat_map(|y| (0..SIDE).map(move |x| (x, y)))
        .flat_map(|(x, y)| colour_at(centre(x), centre(y)))
        .collect()
}

/// The window icon, or none if the platform refuses it (the window opens anyway).
pub fn window_icon() -> Option<iced::window::Icon> {
    iced::window::icon::from_rgba(rgba(), SIZE, SIZE).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_icon_is_the_card_with_chip_and_seal() {
        let px = rgba();
        assert_eq!(px.len(), (SIZE * SIZE * 4) as usize);
        let at = |x: u32, y: u32| {
            let i = ((y * SIZE + x) * 4) as usize;
            [px[i], px[i + 1], px[i + 2], px[i + 3]]
        };
        assert_eq!(at(0, 0), CLEAR, "transparent around the card");
        assert_eq!(at(6, 14), CARD);
        assert_eq!(at(16, 27), CHIP);
        assert_eq!(at(48, 43), GREEN, "the seal's centre");
        assert!(window_icon().is_some());
    }
}
