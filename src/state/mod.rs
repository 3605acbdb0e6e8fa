//! Memory between runs. So far: how one URL's counted status moves with thresholds
//! (`transition`); the state file and its use by the run come next.

pub mod transition;
