//! When may silence count as "filtered"? A request that got no answer is either filtered by the
//! NAT or lost on the way. The rule used for the filtering and hairpinning tests:
//!
//! - every transmission of the test request goes out beside one *control* request (a plain
//!   binding request on the same socket to the same server, each with its own transaction, so
//!   each control answer is attributable to one transmission);
//! - from the controls, `p_lo` is a one-sided 95 % lower bound (Clopper-Pearson) on the chance
//!   that a single request and its answer get through;
//! - `k` unanswered test transmissions count as "filtered" only when `(1 - p_lo)^k` — the chance
//!   that all `k` would have been lost if nothing filtered them — is below [`MISS_THRESHOLD`].
//!
//! Without loss, 8 controls out of 8 (two slots of four) give `p_lo` = 0.69 and 8 silent test
//! transmissions decide (chance of error 1e-4). Under 30 % loss each way (half the round trips lost) even 21
//! transmissions often stay undecided: the answer is then "unknown", never a guess.

/// Above this chance of "all lost by accident", silence decides nothing.
pub const MISS_THRESHOLD: f64 = 1e-3;

/// Confidence of the lower bound on the delivery rate.
const ALPHA: f64 = 0.05;

/// P(X >= successes) for X ~ Binomial(trials, p).
fn upper_tail(trials: u32, successes: u32, p: f64) -> f64 {
    let mut total = 0.0;
    let mut coefficient = 1.0f64; // C(trials, k), built up term by term
    for k in 0..=trials {
        if k > 0 {
            coefficient = coefficient * f64::from(trials - k + 1) / f64::from(k);
        }
        if k >= successes {
            total += coefficient * p.powi(k as i32) * (1.0 - p).powi((trials - k) as i32);
        }
    }
    total
}

/// One-sided lower confidence bound on the success rate after `successes` of `trials`.
pub fn delivery_lower_bound(trials: u32, successes: u32) -> f64 {
    if trials == 0 || successes == 0 {
        return 0.0;
    }
    let successes = successes.min(trials);
    if successes == trials {
        return ALPHA.powf(1.0 / f64::from(trials));
    }
    // The tail grows with p: bisect for P(X >= successes | p) = ALPHA.
    let (mut lo, mut hi) = (0.0, 1.0);
    for _ in 0..60 {
        let mid = (lo + hi) / 2.0;
        if upper_tail(trials, successes, mid) < ALPHA {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    lo
}

/// Whether `silent` unanswered test transmissions prove filtering, given `answered` of
/// `controls` control requests sent beside them.
pub fn silence_is_filtering(silent: u32, controls: u32, answered: u32) -> bool {
    if silent == 0 {
        return false;
    }
    let p = delivery_lower_bound(controls, answered);
    (1.0 - p).powi(silent as i32) < MISS_THRESHOLD
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lower_bound_is_below_the_rate_and_grows_with_evidence() {
        assert_eq!(delivery_lower_bound(0, 0), 0.0);
        assert_eq!(delivery_lower_bound(10, 0), 0.0);
        let all9 = delivery_lower_bound(9, 9);
        assert!((all9 - 0.717).abs() < 0.01, "{all9}");
        let half = delivery_lower_bound(20, 10);
        assert!(half > 0.25 && half < 0.5, "{half}");
        assert!(delivery_lower_bound(100, 50) > half);
        // Known value: 5 of 10 at 95 % one-sided is about 0.222.
        let five = delivery_lower_bound(10, 5);
        assert!((five - 0.222).abs() < 0.01, "{five}");
    }

    #[test]
    fn silence_decides_only_with_strong_controls() {
        // No loss: nine silent transmissions beside nine answered controls.
        assert!(silence_is_filtering(9, 9, 9));
        // Too few transmissions yet.
        assert!(!silence_is_filtering(3, 3, 3));
        // 30 % loss each way: about half the controls answered; 7 silent sends prove nothing.
        assert!(!silence_is_filtering(7, 7, 3));
        // Nothing answered at all: the path is dead, silence says nothing about filtering.
        assert!(!silence_is_filtering(21, 21, 0));
        assert!(!silence_is_filtering(0, 9, 9));
    }
}
