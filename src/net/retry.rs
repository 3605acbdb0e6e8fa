//! The one retry loop of the side channels: a try per request, a 429's `Retry-After` honoured
//! (up to a cap), other answers worth another try retried with backoff, final answers final,
//! and everything done within one time budget or when the run is cancelled. Each caller judges
//! its own answers into an [`Attempt`]; the loop only decides when to try again.

use std::future::Future;
use std::time::{Duration, Instant};

use tokio_util::sync::CancellationToken;

/// What one try came to, as the caller judged it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attempt<T, R> {
    /// Arrived: what the caller keeps of the answer.
    Done(T),
    /// Final: do not send again; why, in the caller's terms.
    Final(R),
    /// Worth another try, after at least `after` when the receiver named a wait.
    Retry {
        why: String,
        after: Option<Duration>,
    },
}

/// Why a retried request did not arrive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failed<R> {
    /// A final answer.
    Final(R),
    /// The budget ran out: how many tries were made and the last one's words.
    GaveUp {
        tries: u32,
        last: String,
    },
    Cancelled,
}

/// The limits of one retried request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Everything, waits included, ends within this.
    pub budget: Duration,
    /// One try's limit (less when the budget has less left).
    pub request: Duration,
    /// The longest `Retry-After` honoured for one wait.
    pub max_retry_after: Duration,
}

/// Backoff for retries without a named wait: 1 s, 2 s, 4 s, … up to 16 s.
pub fn backoff(tries: u32) -> Duration {
    Duration::from_secs(1u64 << tries.saturating_sub(1).min(4))
}

/// The retry decision after try number `tries` was worth another try: the receiver's wait
/// (capped at `max_retry_after`) or the backoff, or `None` when that wait reaches past what is
/// `left` of the budget.
pub fn next_wait(
    tries: u32,
    after: Option<Duration>,
    max_retry_after: Duration,
    left: Duration,
) -> Option<Duration> {
    let wait = after.map_or_else(|| backoff(tries), |a| a.min(max_retry_after));
    (wait < left).then_some(wait)
}

/// Call `send` (given the try's time limit) until it is done, final, the budget is spent or
/// `cancel` fires; the result and how many tries it took.
pub async fn retry_within<T, R, A, F, Fut>(
    limits: Limits,
    cancel: &CancellationToken,
    mut send: F,
) -> Result<(T, u32), Failed<R>>
where
    A: Into<Attempt<T, R>>,
    F: FnMut(Duration) -> Fut,
    Fut: Future<Output = A>,
{
    let started = Instant::now();
    let mut tries = 0;
    let mut last = String::from("no answer");
    loop {
        let left = limits.budget.saturating_sub(started.elapsed());
        if left.is_zero() {
            return Err(Failed::GaveUp { tries, last });
        }
        tries += 1;
        let outcome = tokio::select! {
            outcome = send(left.min(limits.request)) => outcome.into(),
            () = cancel.cancelled() => return Err(Failed::Cancelled),
        };
        let (why, after) = match outcome {
            Attempt::Done(done) => return Ok((done, tries)),
            Attempt::Final(reason) => return Err(Failed::Final(reason)),
            Attempt::Retry { why, after } => (why, after),
        };
        last = why;
        let left = limits.budget.saturating_sub(started.elapsed());
        let Some(wait) = next_wait(tries, after, limits.max_retry_after, left) else {
            return Err(Failed::GaveUp {
                tries,
                last: format!(
                    "{last}; the next try would be after the {}s limit",
                    limits.budget.as_secs()
                ),
            });
        };
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            () = cancel.cancelled() => return Err(Failed::Cancelled),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: fn(u64) -> Duration = Duration::from_secs;

    #[test]
    fn backoff_doubles_up_to_sixteen_seconds() {
        let secs: Vec<u64> = (1..=6).map(|n| backoff(n).as_secs()).collect();
        assert_eq!(secs, [1, 2, 4, 8, 16, 16]);
    }

    #[test]
    fn a_named_wait_is_honoured_up_to_the_cap() {
        assert_eq!(next_wait(1, Some(S(3)), S(20), S(30)), Some(S(3)));
        assert_eq!(next_wait(1, Some(S(60)), S(20), S(30)), Some(S(20)));
        assert_eq!(
            next_wait(3, Some(Duration::ZERO), S(20), S(30)),
            Some(Duration::ZERO)
        );
    }

    #[test]
    fn without_a_named_wait_the_backoff_sets_it() {
        assert_eq!(next_wait(1, None, S(20), S(30)), Some(S(1)));
        assert_eq!(next_wait(4, None, S(20), S(30)), Some(S(8)));
    }

    #[test]
    fn a_wait_that_reaches_the_end_of_the_budget_gives_up() {
        assert_eq!(next_wait(4, None, S(20), S(8)), None);
        assert_eq!(next_wait(4, None, S(20), S(9)), Some(S(8)));
        assert_eq!(next_wait(1, Some(S(20)), S(20), S(5)), None);
        assert_eq!(
            next_wait(1, Some(Duration::ZERO), S(20), Duration::ZERO),
            None
        );
    }

    fn limits(budget: u64) -> Limits {
        Limits {
            budget: S(budget),
            request: S(10),
            max_retry_after: S(20),
        }
    }

    fn block_on<F: Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap()
            .block_on(f)
    }

    #[test]
    fn the_loop_tries_until_done_and_counts_the_tries() {
        let mut answers = vec![
            Attempt::Retry {
                why: "HTTP 503".into(),
                after: Some(Duration::ZERO),
            },
            Attempt::Retry {
                why: "HTTP 429".into(),
                after: Some(Duration::ZERO),
            },
            Attempt::Done("sent"),
        ]
        .into_iter();
        let cancel = CancellationToken::new();
        let got = block_on(retry_within::<_, (), _, _, _>(limits(30), &cancel, |_| {
            let next = answers.next().unwrap();
            async move { next }
        }));
        assert_eq!(got, Ok(("sent", 3)));
    }

    #[test]
    fn a_final_answer_ends_the_loop_and_a_spent_budget_says_so() {
        let cancel = CancellationToken::new();
        let got = block_on(retry_within::<(), _, _, _, _>(
            limits(30),
            &cancel,
            |_| async { Attempt::Final("HTTP 404") },
        ));
        assert_eq!(got, Err(Failed::Final("HTTP 404")));
        let got = block_on(retry_within::<(), (), _, _, _>(
            limits(5),
            &cancel,
            |_| async {
                Attempt::Retry {
                    why: "HTTP 429".into(),
                    after: Some(S(60)),
                }
            },
        ));
        // The 20 s that are honoured of the 60 s asked for do not fit in 5 s.
        assert_eq!(
            got,
            Err(Failed::GaveUp {
                tries: 1,
                last: "HTTP 429; the next try would be after the 5s limit".into()
            })
        );
        cancel.cancel();
        let got = block_on(retry_within::<(), (), Attempt<(), ()>, _, _>(
            limits(5),
            &cancel,
            |_| std::future::pending(),
        ));
        assert_eq!(got, Err(Failed::Cancelled));
    }
}
