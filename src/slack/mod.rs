//! Slack: when to tell (`policy`), what to say (`message`), and getting it there (`deliver`).

pub mod deliver;
pub mod message;
pub mod policy;
