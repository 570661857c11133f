//! `nat` subcommands.

use clap::{Args, Subcommand};

#[derive(Debug, Subcommand)]
pub enum NatCommand {
    /// Detect the NAT type with STUN (RFC 5780)
    Detect(NatDetectArgs),
}

#[derive(Debug, Args)]
pub struct NatDetectArgs {
    /// Print one JSON document on stdout
    #[arg(long, env = "PEERSTREAM_JSON")]
    pub json: bool,
}
