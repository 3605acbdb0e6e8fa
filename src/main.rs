//! The `upcheck` binary: parse flags, run, exit with the run's code.

use clap::Parser;

/// The static musl build's own allocator maps and unmaps every large block anew (a 90-day
/// history grows and frees many); mimalloc keeps and reuses them, in any build.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    let cli = upcheck::app::Cli::parse();
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("::error::upcheck cannot start its runtime: {e}");
            return std::process::ExitCode::from(3);
        }
    };
    let exit = runtime.block_on(upcheck::app::run(
        cli,
        upcheck::app::Surroundings::from_env(),
    ));
    std::process::ExitCode::from(exit as u8)
}
