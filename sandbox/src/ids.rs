//! Deterministic hashing and UUID-like identifiers.
//!
//! Ids must be derivable from (seed, index) alone so that any employee can be
//! generated on its own, in any order, and still look like the vendor's UUIDs.

/// SplitMix64 finaliser: a cheap, well-mixed 64-bit permutation.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Hashes a seed, a domain-separating tag and an index into 64 well-mixed bits.
pub fn hash64(seed: u64, tag: u64, index: u64) -> u64 {
    let a = mix(seed.wrapping_add(0x9e37_79b9_7f4a_7c15));
    let b = mix(a ^ tag.wrapping_mul(0xd6e8_feb8_6659_fd93));
    mix(b ^ index.wrapping_mul(0x9e37_79b9_7f4a_7c15))
}

/// A uniform number in [0, 1) from (seed, tag, index).
pub fn unit(seed: u64, tag: u64, index: u64) -> f64 {
    (hash64(seed, tag, index) >> 11) as f64 / (1u64 << 53) as f64
}

/// Formats 128 bits as a version-4-style UUID string.
pub fn uuid_from_u128(bits: u128) -> String {
    let mut b = bits.to_be_bytes();
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let mut out = String::with_capacity(36);
    push_uuid(&mut out, &b);
    out
}

/// Appends the canonical 8-4-4-4-12 hex form of 16 bytes.
pub fn push_uuid(out: &mut String, b: &[u8; 16]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for (i, byte) in b.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out.push('-');
        }
        out.push(HEX[(byte >> 4) as usize] as char);
        out.push(HEX[(byte & 0x0f) as usize] as char);
    }
}

/// The UUID-like external id of employee `index` in the tenant of `seed`.
pub fn employee_id(seed: u64, index: u64) -> String {
    let hi = hash64(seed, 0x656d_706c, index);
    let lo = hash64(seed, 0x656d_706d, index);
    uuid_from_u128(((hi as u128) << 64) | lo as u128)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid_shape() {
        let id = employee_id(42, 0);
        assert_eq!(id.len(), 36);
        assert_eq!(&id[14..15], "4");
        assert_eq!(id.matches('-').count(), 4);
        assert_ne!(employee_id(42, 0), employee_id(42, 1));
        assert_ne!(employee_id(42, 0), employee_id(43, 0));
    }
}
