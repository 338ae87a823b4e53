//! A small seeded random number generator (xorshift64*): ids, GUIDs and fault decisions that
//! repeat exactly for the same seed and the same sequence of requests.

/// xorshift64* (Vigna): fast, good enough for ids and coin flips, and never zero.
#[derive(Clone, Debug)]
pub(crate) struct Rng {
    state: u64,
}

impl Rng {
    /// A generator for `seed`; every seed (0 too) gives a usable, distinct stream.
    pub(crate) fn new(seed: u64) -> Self {
        // SplitMix64 scrambles the seed so neighbouring seeds give unrelated streams.
        let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        Self {
            state: if z == 0 { 0x2545_F491_4F6C_DD1D } else { z },
        }
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        let mut x = self.state;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.state = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// True with probability `percent`/100 (clamped to 0–100).
    pub(crate) fn chance(&mut self, percent: f64) -> bool {
        if percent >= 100.0 {
            return true;
        }
        if percent.is_nan() || percent <= 0.0 {
            return false;
        }
        // 53 random bits as a float in [0, 100).
        let unit = (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        unit * 100.0 < percent
    }

    /// A version-4-shaped GUID in lower case, `8-4-4-4-12` hex digits.
    pub(crate) fn guid(&mut self) -> String {
        let high = self.next_u64();
        let low = self.next_u64();
        let a = (high >> 32) as u32;
        let b = (high >> 16) as u16;
        let c = (high as u16 & 0x0FFF) | 0x4000;
        let d = ((low >> 48) as u16 & 0x3FFF) | 0x8000;
        let e = low & 0xFFFF_FFFF_FFFF;
        format!("{a:08x}-{b:04x}-{c:04x}-{d:04x}-{e:012x}")
    }

    /// 32 lower-case hex digits (the first part of a page id).
    pub(crate) fn hex32(&mut self) -> String {
        format!("{:016x}{:016x}", self.next_u64(), self.next_u64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_stream() {
        let mut a = Rng::new(7);
        let mut b = Rng::new(7);
        let first: Vec<u64> = (0..5).map(|_| a.next_u64()).collect();
        let second: Vec<u64> = (0..5).map(|_| b.next_u64()).collect();
        assert_eq!(first, second);
        assert_ne!(Rng::new(8).next_u64(), first[0]);
    }

    #[test]
    fn guids_have_the_service_shape() {
        let guid = Rng::new(0).guid();
        let lengths: Vec<usize> = guid.split('-').map(str::len).collect();
        assert_eq!(lengths, [8, 4, 4, 4, 12], "{guid}");
        assert!(guid.bytes().all(|b| b == b'-' || b.is_ascii_hexdigit()));
        assert_eq!(guid.as_bytes()[14], b'4', "{guid}");
    }

    #[test]
    fn chance_honours_its_bounds() {
        let mut rng = Rng::new(1);
        assert!((0..100).all(|_| rng.chance(100.0)));
        assert!((0..100).all(|_| !rng.chance(0.0)));
        assert!((0..100).all(|_| !rng.chance(f64::NAN)));
        let hits = (0..10_000).filter(|_| rng.chance(25.0)).count();
        assert!((2_000..3_000).contains(&hits), "{hits}");
    }
}
