//! Everything the runner reads back from the step: workflow commands (masks, annotations),
//! step outputs and the job summary. Renderers here are pure; `write` functions do the I/O.

pub mod annotations;
pub mod api;
pub mod commands;
pub mod context;
pub mod incident;
pub mod issues;
pub mod keepalive;
pub mod outputs;
pub mod summary;

#[cfg(test)]
mod tests;
