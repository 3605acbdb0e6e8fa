//! Memory between runs: the state file (`file`) and how one URL's counted status moves with
//! thresholds (`transition`). Not yet used by the run itself.

pub mod file;
pub mod transition;
