//! The heartbeat: a GET to `heartbeat-url` at the end of every completed run, so an external
//! dead-man's switch alerts when the runs stop altogether (a schedule that GitHub disabled, a
//! workflow that no longer starts). The URL is a secret: it is never shown.

use std::time::Duration;

use reqwest::Client;
use tokio_util::sync::CancellationToken;
use url::Url;

use crate::net::Transport;

/// The call's limit.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// Why the heartbeat did not arrive.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HeartbeatError {
    #[error("the heartbeat URL answered HTTP {0}")]
    Status(u16),
    #[error("the heartbeat URL did not answer within {}s", TIMEOUT.as_secs())]
    Timeout,
    #[error("the heartbeat URL cannot be reached ({0})")]
    Unreachable(Transport),
    #[error("the heartbeat was not sent: the run was cancelled")]
    Cancelled,
}

/// One GET to `url` with the side-channel client.
pub async fn beat(
    client: &Client,
    url: &Url,
    cancel: &CancellationToken,
) -> Result<u16, HeartbeatError> {
    let response = tokio::select! {
        r = client.get(url.clone()).timeout(TIMEOUT).send() => r,
        () = cancel.cancelled() => return Err(HeartbeatError::Cancelled),
    };
    match response {
        Ok(r) if r.status().is_success() => Ok(r.status().as_u16()),
        Ok(r) => Err(HeartbeatError::Status(r.status().as_u16())),
        Err(e) => match crate::net::classify(&e) {
            Transport::Timeout => Err(HeartbeatError::Timeout),
            why => Err(HeartbeatError::Unreachable(why)),
        },
    }
}
