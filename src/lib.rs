//! peerstream: play torrents by info-hash like a video link.
//!
//! The core (`target`, `pipeline`, `cache`, `mock`, `http`) knows nothing of the terminal;
//! `cli` and `commands` are the command-line face over it.

#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod body;
pub mod cache;
pub mod cli;
pub mod commands;
pub mod config;
pub mod exit;
pub mod http;
pub mod metadata;
pub mod mock;
pub mod nat;
pub mod p2p;
pub mod pipeline;
pub mod target;

#[cfg(test)]
mod proptest_support;
