//! `quire`: parse the command line, set up logging, run the command.

use std::process::ExitCode;

use clap::Parser;
use server::config::{Cli, LogFormat};
use tracing_subscriber::EnvFilter;

// Rendering a page allocates many small, short-lived objects; mimalloc serves them in a fraction
// of glibc's time (scripts/bench.sh measures the difference).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    server::allocator::tune();
    // A missing .env is normal; values already in the environment win.
    let _ = dotenvy::dotenv();
    let cli = Cli::parse();
    let filter = EnvFilter::try_new(&cli.config.log).unwrap_or_else(|_| EnvFilter::new("info"));
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match cli.config.log_format {
        LogFormat::Json => logs.json().with_current_span(true).init(),
        LogFormat::Text => logs.init(),
    }
    match server::run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
