//! upcheck: health checks for URLs with retries, step outputs, a job summary and annotations.
//! The crate is one data flow: `config` (inputs) → `check` (HTTP) → `heal` (the restart hook)
//! → `state` (memory between runs) → `report::RunReport`, seen through `report::RunView` by the
//! renderers in `github`, `console` and `slack`. `text` and `redact` are the leaves every layer
//! may use; `log` is the one sink for what the run says; `deadline` bounds the calls after the
//! checks; `rounds` says when each round of a looping step starts and what the rounds came to.
//! `app` wires the phases together; `main` only maps the outcome to an exit code.

pub mod app;
pub mod beside;
pub mod channels;
pub mod check;
pub mod clock;
pub mod config;
pub mod console;
pub mod deadline;
pub mod github;
pub mod heal;
pub mod heartbeat;
pub mod history;
pub mod history_io;
pub mod log;
pub mod net;
pub mod policy;
pub mod redact;
pub mod report;
pub mod rounds;
pub mod slack;
pub mod state;
pub mod text;
pub mod window;
