//! Largest-remainder allocation: splits an amount in integer centimes pro rata of weights, so that the parts add
//! up exactly to the whole. Used to share payments across exhibitors and a ticket discount across lines.

/// Splits `amount` (centimes, any sign) pro rata of `weights` (non-negative centimes).
/// Ties on the remainder go to the earlier weight, so the result is deterministic.
/// All-zero weights: everything goes to the first part.
pub fn largest_remainder(amount: i64, weights: &[i64]) -> Vec<i64> {
    if weights.is_empty() {
        return Vec::new();
    }
    let total: i128 = weights.iter().map(|w| *w as i128).sum();
    if total == 0 {
        let mut parts = vec![0; weights.len()];
        parts[0] = amount;
        return parts;
    }
    let sign: i128 = if amount < 0 { -1 } else { 1 };
    let a = (amount as i128).abs();
    let mut parts: Vec<i128> = weights.iter().map(|w| a * (*w as i128) / total).collect();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    // Larger remainder first; equal remainders keep the input order (stable sort).
    order.sort_by_key(|&i| std::cmp::Reverse(a * (weights[i] as i128) % total));
    let mut left = a - parts.iter().sum::<i128>();
    for i in order {
        if left == 0 {
            break;
        }
        parts[i] += 1;
        left -= 1;
    }
    parts.into_iter().map(|p| (p * sign) as i64).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn splits_exactly() {
        assert_eq!(largest_remainder(100, &[1, 1, 1]), vec![34, 33, 33]);
        assert_eq!(largest_remainder(-100, &[1, 1, 1]), vec![-34, -33, -33]);
        assert_eq!(largest_remainder(1000, &[250, 750]), vec![250, 750]);
        assert_eq!(largest_remainder(5, &[0, 0]), vec![5, 0]);
        assert_eq!(largest_remainder(7, &[0, 3]), vec![0, 7]);
    }

    proptest! {
        #[test]
        fn parts_sum_to_the_whole(amount in -10_000_000i64..10_000_000, weights in prop::collection::vec(0i64..5_000_000, 1..12)) {
            let parts = largest_remainder(amount, &weights);
            prop_assert_eq!(parts.iter().sum::<i64>(), amount);
            let total: i64 = weights.iter().sum();
            if total > 0 {
                for (p, w) in parts.iter().zip(&weights) {
                    // each part is within one centime of its exact share
                    let gap = (*p as i128 * total as i128 - amount as i128 * *w as i128).abs();
                    prop_assert!(gap < total as i128);
                }
            }
        }
    }
}
