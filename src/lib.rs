//! upcheck: health checks for URLs with retries, step outputs, a job summary and annotations.
//! The crate is one data flow: `config` (inputs) → `check` (HTTP) → `report::RunReport` →
//! renderers in `github` and `console`. `app` wires them together; `main` only maps the outcome
//! to an exit code.

pub mod app;
pub mod check;
pub mod clock;
pub mod config;
pub mod console;
pub mod github;
pub mod heal;
pub mod heartbeat;
pub mod history;
pub mod history_io;
pub mod net;
pub mod report;
pub mod slack;
pub mod state;
pub mod text;
