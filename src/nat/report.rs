//! What `nat detect` reports (serialised as `nat detect --json`, docs/JSON-nat.md), and its
//! options.

use std::net::SocketAddr;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::DEFAULT_PORT;
use super::classify::{Behaviour, ClassicType};
use super::mapping::ProbeReport;
use super::turn::{TurnReport, TurnSpec};

/// STUN servers tried when none is given; the first one that answers with OTHER-ADDRESS (RFC
/// 5780) runs the behaviour tests, the others still give the public address. Documented in
/// docs/P2P_SETUP_GUIDE.md.
pub const DEFAULT_STUN_SERVERS: &[&str] = &[
    "stun.stunprotocol.org:3478",
    "stun.l.google.com:19302",
    "stun.cloudflare.com:3478",
];

/// Default for `--timeout`: how long a request that should be answered may take, including
/// retransmissions.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(3);

#[derive(Debug, Clone)]
pub struct DetectOptions {
    /// `HOST:PORT` strings, tried in order of preference.
    pub servers: Vec<String>,
    /// Budget of a request that should be answered (Test I, mapping tests).
    pub timeout: Duration,
    pub hairpin: bool,
    /// Probe UPnP-IGD, NAT-PMP and PCP on the default gateway (and try a test mapping).
    pub port_mapping: bool,
    /// The torrent port named in the advice and used for the test mapping.
    pub port: u16,
    /// Also check that this TURN relay grants an allocation.
    pub turn: Option<TurnSpec>,
}

impl Default for DetectOptions {
    fn default() -> Self {
        DetectOptions {
            servers: DEFAULT_STUN_SERVERS.iter().map(|s| s.to_string()).collect(),
            timeout: DEFAULT_TIMEOUT,
            hairpin: true,
            port_mapping: true,
            port: DEFAULT_PORT,
            turn: None,
        }
    }
}

/// Overall outcome; decides the exit code of `nat detect`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// A STUN server answered; the report holds what could be tested.
    Ok,
    /// Requests were sent and nothing at all came back.
    UdpBlocked,
    /// No server could be resolved or sent to, or none gave a usable answer.
    NoServerReachable,
}

/// What happened with one configured server.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ServerAttempt {
    /// As given (`HOST:PORT`).
    pub server: String,
    /// The address used, once resolved.
    pub address: Option<SocketAddr>,
    /// `answered`, `timeout`, `unresolved`, `send_failed`, `error_response`, or `not_needed`
    /// (a preferred server had already answered).
    pub result: String,
    pub rfc5780: bool,
    pub detail: Option<String>,
}

/// The server that ran the tests.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ServerInfo {
    pub server: String,
    pub address: SocketAddr,
    /// OTHER-ADDRESS (RFC 5780) or CHANGED-ADDRESS (RFC 3489).
    pub other_address: Option<SocketAddr>,
    pub response_origin: Option<SocketAddr>,
    pub rfc5780: bool,
    pub rtt_ms: f64,
}

/// Raw results of each test, for the curious and for bug reports.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Tests {
    /// Mapped address of mapping tests I, II and III (II and III go to the alternate address).
    pub mapping_test1: Option<SocketAddr>,
    pub mapping_test2: Option<SocketAddr>,
    pub mapping_test3: Option<SocketAddr>,
    /// Filtering test II (change IP and port) and III (change port) answered.
    pub filtering_test2: Option<bool>,
    pub filtering_test3: Option<bool>,
}

/// The result of `detect`; serialised as `nat detect --json` (docs/JSON-nat.md).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Report {
    pub schema: u32,
    pub status: Status,
    /// Classic RFC 3489 type, machine form (`port_restricted_cone`).
    pub classic: ClassicType,
    /// Classic type, human form (`Port-Restricted Cone`).
    pub classic_label: String,
    /// NAT between this host and the server; `null` when no server answered.
    pub nat: Option<bool>,
    pub mapping: Option<Behaviour>,
    pub filtering: Option<Behaviour>,
    /// `null` when not tested (no NAT, no server, or disabled).
    pub hairpinning: Option<bool>,
    pub local_address: Option<SocketAddr>,
    pub public_address: Option<SocketAddr>,
    /// An application-level gateway rewrote MAPPED-ADDRESS.
    pub alg_suspected: bool,
    pub server: Option<ServerInfo>,
    pub servers_tried: Vec<ServerAttempt>,
    pub tests: Tests,
    /// `null` when the probe was skipped (disabled, or no NAT to map through).
    pub port_mapping: Option<ProbeReport>,
    /// The gateway's external address (UPnP/NAT-PMP/PCP) differs from the STUN public address;
    /// `null` when no gateway told its address.
    pub double_nat: Option<bool>,
    /// The `--turn` check; `null` when not asked for.
    pub turn: Option<TurnReport>,
    pub port: u16,
    pub verdict: String,
    pub advice: Vec<String>,
    pub notes: Vec<String>,
    pub duration_ms: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum DetectError {
    #[error("no STUN server given")]
    NoServers,
    #[error("STUN server {0:?} is not HOST:PORT")]
    BadServer(String),
    #[error("local socket: {0}")]
    Io(#[from] std::io::Error),
}

/// Checks `HOST:PORT` syntax without resolving it.
pub fn parse_server(spec: &str) -> Result<(), DetectError> {
    let bad = || DetectError::BadServer(spec.to_string());
    let (host, port) = spec.rsplit_once(':').ok_or_else(bad)?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host.is_empty() || port.parse::<u16>().map_or(true, |p| p == 0) {
        return Err(bad());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_syntax() {
        assert!(parse_server("stun.example.org:3478").is_ok());
        assert!(parse_server("198.18.0.1:3478").is_ok());
        assert!(parse_server("[::1]:3478").is_ok());
        assert!(parse_server("stun.example.org").is_err());
        assert!(parse_server(":3478").is_err());
        assert!(parse_server("host:0").is_err());
        assert!(parse_server("host:99999").is_err());
    }
}
