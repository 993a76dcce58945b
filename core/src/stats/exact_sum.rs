//! Exact, order-independent sums of `f64` (Shewchuk's expansions, as in Python's `math.fsum`).
//!
//! Floating-point addition is not associative, so summing hours page by page and then shard by
//! shard would give a total that depends on how the records were split. An [`ExactSum`] keeps the
//! exact value as a short list of non-overlapping partials; adding partials of another sum is
//! exact too, and only [`ExactSum::value`] rounds (once, correctly), so every split agrees.

/// Largest magnitude accepted for one addend.
///
/// The bound keeps every partial, and every sum of up to 2^600 addends, far from overflow, which
/// is what lets the partial arithmetic stay exact without special cases for infinity.
pub(crate) const MAX_ADDEND: f64 = 1e100;

/// Largest magnitude of a partial read back from a serialised sum (see `persist`): anything above
/// could not have come from addends within [`MAX_ADDEND`] and could overflow when merged.
pub(crate) const MAX_PARTIAL: f64 = 1e250;

/// The exact sum of the finite numbers added so far.
#[derive(Clone, Debug, Default)]
pub(crate) struct ExactSum {
    /// Non-overlapping, increasing in magnitude, no zeros: their exact sum is the value.
    partials: Vec<f64>,
}

impl ExactSum {
    /// Adds `x` exactly. `x` must be finite and within [`MAX_ADDEND`] (callers validate).
    #[inline]
    pub(crate) fn add(&mut self, mut x: f64) {
        // Fast path: hours are mostly small binary-exact numbers whose running sum stays exact.
        if let [p] = self.partials.as_mut_slice() {
            let s = *p + x;
            let (big, small) = if p.abs() >= x.abs() { (*p, x) } else { (x, *p) };
            if small - (s - big) == 0.0 {
                if s == 0.0 {
                    self.partials.clear();
                } else {
                    *p = s;
                }
                return;
            }
        }
        let mut i = 0;
        for j in 0..self.partials.len() {
            let mut y = self.partials[j];
            if x.abs() < y.abs() {
                std::mem::swap(&mut x, &mut y);
            }
            let hi = x + y;
            let lo = y - (hi - x);
            if lo != 0.0 {
                self.partials[i] = lo;
                i += 1;
            }
            x = hi;
        }
        self.partials.truncate(i);
        if x != 0.0 {
            self.partials.push(x);
        }
    }

    /// Adds another exact sum (exactly). Not inlined: only merges, summaries and trees use it.
    #[inline(never)]
    pub(crate) fn add_sum(&mut self, other: &ExactSum) {
        for &p in &other.partials {
            self.add(p);
        }
    }

    /// The exact value rounded once to the nearest `f64` (ties to even); `0.0` for an exact zero.
    #[inline(never)]
    pub(crate) fn value(&self) -> f64 {
        let p = &self.partials;
        let mut n = p.len();
        if n == 0 {
            return 0.0;
        }
        n -= 1;
        let mut hi = p[n];
        let mut lo = 0.0;
        while n > 0 {
            let x = hi;
            n -= 1;
            let y = p[n];
            hi = x + y;
            let yr = hi - x;
            lo = y - yr;
            if lo != 0.0 {
                break;
            }
        }
        // Round-half-even of `hi + lo` may be wrong when the rest of the partials breaks the tie.
        if n > 0 && ((lo < 0.0 && p[n - 1] < 0.0) || (lo > 0.0 && p[n - 1] > 0.0)) {
            let y = lo * 2.0;
            let x = hi + y;
            let yr = x - hi;
            if y == yr {
                hi = x;
            }
        }
        if hi == 0.0 {
            0.0
        } else {
            hi
        }
    }

    /// A representation that depends only on the exact value, not on the order of additions:
    /// repeatedly the correctly rounded value of what is left. Serialising it makes `to_json`
    /// byte-identical for every split of the same records.
    pub(crate) fn canonical_partials(&self) -> Vec<f64> {
        let mut rest = self.clone();
        let mut out = Vec::new();
        // Each step removes at least 53 bits of the value; 64 steps exceed the whole f64 range.
        for _ in 0..64 {
            let v = rest.value();
            if v == 0.0 {
                break;
            }
            out.push(v);
            rest.add(-v);
        }
        out.reverse();
        out
    }

    /// Rebuilds a sum from partials in any arrangement (each finite, within [`MAX_PARTIAL`]).
    pub(crate) fn from_partials(partials: &[f64]) -> ExactSum {
        let mut s = ExactSum::default();
        for &p in partials {
            s.add(p);
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_does_not_matter() {
        let xs = [0.1, 0.2, 0.3, 1e16, -1e16, 1e-7, 3.3, 5.0, 2.5];
        let mut a = ExactSum::default();
        for x in xs {
            a.add(x);
        }
        let mut b = ExactSum::default();
        for x in xs.iter().rev() {
            b.add(*x);
        }
        assert_eq!(a.value(), b.value());
        assert_eq!(a.canonical_partials(), b.canonical_partials());
        // The naive left-to-right sum loses the small terms next to 1e16.
        assert_eq!(a.value(), 0.1 + 0.2 + 0.3 + 1e-7 + 3.3 + 5.0 + 2.5);
    }

    #[test]
    fn cancellation_is_exact() {
        let mut s = ExactSum::default();
        for x in [1e100, 1.0, -1e100] {
            s.add(x);
        }
        assert_eq!(s.value(), 1.0);
        let mut z = ExactSum::default();
        z.add(-0.0);
        z.add(2.5);
        z.add(-2.5);
        assert_eq!(z.value().to_bits(), 0.0f64.to_bits());
        assert!(z.canonical_partials().is_empty());
    }

    #[test]
    fn merge_equals_one_pass() {
        let xs: Vec<f64> = (1..200).map(|i| 1.0 / i as f64).collect();
        let mut whole = ExactSum::default();
        xs.iter().for_each(|&x| whole.add(x));
        let mut left = ExactSum::default();
        let mut right = ExactSum::default();
        xs[..77].iter().for_each(|&x| left.add(x));
        xs[77..].iter().for_each(|&x| right.add(x));
        right.add_sum(&left);
        assert_eq!(whole.value(), right.value());
        let rebuilt = ExactSum::from_partials(&right.canonical_partials());
        assert_eq!(rebuilt.canonical_partials(), whole.canonical_partials());
    }

    #[test]
    fn ties_round_to_even_with_the_tail_considered() {
        // 1 + 2^-53 + 2^-106: the tail breaks the tie upwards.
        let mut s = ExactSum::default();
        for x in [1.0, 2f64.powi(-53), 2f64.powi(-106)] {
            s.add(x);
        }
        assert_eq!(s.value(), 1.0 + f64::EPSILON);
    }
}
