//! upcheck: health checks for URLs with retries, step outputs, a job summary and annotations.
//! The crate is one data flow: `config` (inputs) → `check` (HTTP) → `report::RunReport` →
//! renderers in `github` and `local`. `app` wires them together; `main` maps the outcome to an
//! exit code.

pub mod config;
pub mod report;
pub mod text;
