//! NAT diagnosis (STUN, RFC 5780 / RFC 3489 classification) and port mapping.
//!
//! The library surface for the commands and the P2P coordinator:
//! - [`detect`] runs the RFC 5780 tests and returns a [`Report`] (classic type, behaviours,
//!   public address, port-mapping probe, verdict);
//! - [`mapping::map_port`] / [`mapping::Lease`] map the torrent port with UPnP-IGD, PCP or
//!   NAT-PMP, renew and remove it;
//! - [`stun::public_address`] is the one-request public-address lookup;
//! - [`turn::check`] tests a TURN relay allocation (`nat detect --turn`).

pub mod classify;
pub mod detect;
mod evidence;
#[cfg(test)]
mod fake_stun;
pub mod mapping;
pub mod report;
mod resolve;
mod rfc5780;
pub mod stun;
pub mod turn;

pub use detect::detect;
pub use report::{
    DEFAULT_STUN_SERVERS, DEFAULT_TIMEOUT, DetectError, DetectOptions, Report, Status,
};

/// The torrent port: what the verdict's advice names and the test mapping uses when none is
/// given, and the swarm's default listen port.
pub const DEFAULT_PORT: u16 = 6881;
pub use mapping::{Lease, MapOptions, MappingRecord, Method, Protocol};
