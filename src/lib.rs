//! peerstream: play torrents by info-hash like a video link.
//!
//! The core (`target`, `pipeline`, `cache`, `mock`, `http`) knows nothing of the terminal;
//! `cli` and `commands` are the command-line face over it. The library's public surface is
//! what `main` and the integration tests need; everything else is private to the crate, so the
//! compiler reports what nothing uses.

#![deny(clippy::print_stdout, clippy::print_stderr)]

mod body;
mod cache;
mod cached_body;
pub mod cli;
pub mod commands;
pub mod config;
pub mod exit;
mod http;
mod metadata;
mod mock;
mod nat;
mod p2p;
mod pipeline;
mod target;

#[cfg(test)]
mod proptest_support;
