//! `task-profiles-sandbox`: runs the sandbox server until interrupted.

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;
use task_profiles_sandbox::cli::Cli;
use task_profiles_sandbox::server::{serve, AppState};

fn main() -> ExitCode {
    // clap exits with code 2 and a clear message on bad flags.
    let cli = Cli::parse();
    let config = cli.config();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("task-profiles-sandbox: cannot start runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        let listener = match tokio::net::TcpListener::bind((cli.host.as_str(), cli.port)).await {
            Ok(l) => l,
            Err(e) => {
                eprintln!(
                    "task-profiles-sandbox: cannot listen on {}:{}: {e}",
                    cli.host, cli.port
                );
                return ExitCode::FAILURE;
            }
        };
        let addr = match listener.local_addr() {
            Ok(a) => a,
            Err(e) => {
                eprintln!("task-profiles-sandbox: {e}");
                return ExitCode::FAILURE;
            }
        };
        let started = std::time::Instant::now();
        let state = Arc::new(AppState::new(config));
        let summary = format!(
            "sandbox tenant: {} employees, seed {}, vendors {}, index built in {} ms; faults: {}",
            state.tenant().len(),
            state.config().seed,
            state
                .config()
                .vendors
                .iter()
                .map(|v| v.as_str())
                .collect::<Vec<_>>()
                .join(","),
            started.elapsed().as_millis(),
            state.config().faults.summary()
        );
        {
            // Tests read the first line to find the URL, so it must be exact and flushed.
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "listening on http://{addr}");
            let _ = writeln!(out, "{summary}");
            let _ = out.flush();
        }
        let shutdown = async {
            let _ = tokio::signal::ctrl_c().await;
        };
        match serve(listener, state, shutdown).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("task-profiles-sandbox: {e}");
                ExitCode::FAILURE
            }
        }
    })
}
