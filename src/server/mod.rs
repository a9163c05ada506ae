//! `nianbao serve`: one web page for editors and a JSON API for other systems, served
//! by axum on a small tokio runtime. Behind the `server` cargo feature (on by
//! default), so that the library builds without an async runtime.
//!
//! Safe by construction: uploads stay in memory (never written to disk, never
//! logged); the body size is capped (`max_upload`); checks run on blocking threads,
//! at most `max_checks` at a time (a semaphore: the rest wait up to `timeout`, then
//! get 503); each request has a time limit (504); no route reads a path from the
//! request (the page and its two assets are compiled into the binary); every
//! response carries a Content-Security-Policy that allows only this server's own
//! script and style; no cookies are set.
//!
//! The checks call the library exactly as `nianbao check` does: the same `Linter`
//! (`Linter::lint_bytes`, which reads bytes as `lint_input` reads a file of that
//! name) and the same JSON conversion (`report::json`).

mod api;
mod view;

use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;
use std::time::Duration;

use crate::Linter;

pub use view::View;

/// Default body size limit: 20 MB.
pub const DEFAULT_MAX_UPLOAD: usize = 20 * 1024 * 1024;
/// Default time limit per request.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// How the server runs.
pub struct Config {
    pub linter: Linter,
    /// Largest upload accepted, in bytes.
    pub max_upload: usize,
    /// Time limit per request (waiting for a check slot included).
    pub timeout: Duration,
    /// Checks run at the same time; others wait.
    pub max_checks: usize,
}

impl Config {
    pub fn new(linter: Linter) -> Self {
        Config {
            linter,
            max_upload: DEFAULT_MAX_UPLOAD,
            timeout: DEFAULT_TIMEOUT,
            max_checks: std::thread::available_parallelism().map_or(2, |n| n.get()),
        }
    }
}

/// True when `addr` can be reached from other machines (not loopback).
pub fn is_public(addr: &SocketAddr) -> bool {
    !addr.ip().is_loopback()
}

/// Serves on `listener` until the process ends. Builds its own runtime.
pub fn run(listener: TcpListener, config: Config) -> std::io::Result<()> {
    listener.set_nonblocking(true)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(config.max_checks.max(1) + 2)
        .enable_io()
        .enable_time()
        .thread_name("nianbao-serve")
        .build()?;
    let state = Arc::new(api::State::new(config));
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener)?;
        axum::serve(listener, api::router(state)).await
    })
}
