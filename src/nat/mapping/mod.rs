//! Port mapping on the gateway: UPnP-IGD (igd-next), PCP and NAT-PMP (crab_nat).
//!
//! [`map_port`] maps one port for TCP and/or UDP with the first protocol that works,
//! [`Mapping::renew`] extends a lease, [`Mapping::unmap`] removes it, and a [`Lease`] does the
//! renewing in the background and removes the mappings when released or dropped. A
//! [`MappingRecord`] is the serialisable form that lets another process (`nat unmap`) remove a
//! mapping later.

mod gateway;
mod lease;
mod probe;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;

use crab_nat::InternetProtocol;
use igd_next::PortMappingProtocol;
use serde::{Deserialize, Serialize};

pub use gateway::default_gateway;
pub use lease::{Lease, map_port, unmap_record};
pub use probe::{ProbeReport, ProtocolProbe, probe};

/// Transport protocol of a mapping.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Protocol {
    Tcp,
    Udp,
}

impl Protocol {
    fn igd(self) -> PortMappingProtocol {
        match self {
            Protocol::Tcp => PortMappingProtocol::TCP,
            Protocol::Udp => PortMappingProtocol::UDP,
        }
    }

    fn crab(self) -> InternetProtocol {
        match self {
            Protocol::Tcp => InternetProtocol::Tcp,
            Protocol::Udp => InternetProtocol::Udp,
        }
    }
}

impl std::fmt::Display for Protocol {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Protocol::Tcp => "TCP",
            Protocol::Udp => "UDP",
        })
    }
}

/// Port-mapping protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    Upnp,
    Pcp,
    NatPmp,
}

impl std::fmt::Display for Method {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Method::Upnp => "UPnP-IGD",
            Method::Pcp => "PCP",
            Method::NatPmp => "NAT-PMP",
        })
    }
}

/// What to map.
#[derive(Debug, Clone)]
pub struct MapOptions {
    /// Local port; also the external port asked for.
    pub port: u16,
    pub protocols: Vec<Protocol>,
    /// Protocols to try, in order; the first that maps every protocol wins.
    pub methods: Vec<Method>,
    /// Lease asked for (the gateway may grant less, or a permanent one).
    pub lifetime: Duration,
    /// Gateway for PCP/NAT-PMP; the default route's when `None`.
    pub gateway: Option<Ipv4Addr>,
    /// Budget of each protocol's attempt.
    pub timeout: Duration,
}

impl Default for MapOptions {
    fn default() -> Self {
        MapOptions {
            port: super::DEFAULT_PORT,
            protocols: vec![Protocol::Tcp, Protocol::Udp],
            methods: vec![Method::Upnp, Method::Pcp, Method::NatPmp],
            lifetime: Duration::from_secs(3600),
            gateway: None,
            timeout: Duration::from_secs(2),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum MapError {
    #[error("no IPv4 default gateway; give one with --gateway")]
    NoGateway,
    #[error("port 0 cannot be mapped")]
    PortZero,
    #[error("no port-mapping protocol worked: {0}")]
    Failed(String),
    #[error("{method} could not remove the mapping: {detail}")]
    Unmap { method: Method, detail: String },
    #[error("local socket: {0}")]
    Io(#[from] std::io::Error),
}

/// Enough to renew or remove a mapping, also from another process; `nat map` stores these.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MappingRecord {
    pub method: Method,
    pub protocol: Protocol,
    pub gateway: Ipv4Addr,
    pub internal: SocketAddr,
    pub external_port: u16,
    pub external_ip: Option<IpAddr>,
    /// Granted lease in seconds; 0 means permanent.
    pub lifetime_seconds: u32,
    /// PCP session nonce (needed to delete a PCP mapping).
    pub pcp_nonce: Option<[u32; 3]>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_round_trip_as_json() {
        let r = MappingRecord {
            method: Method::Pcp,
            protocol: Protocol::Udp,
            gateway: Ipv4Addr::new(198, 18, 1, 1),
            internal: "198.18.1.2:6881".parse().expect("addr"),
            external_port: 6881,
            external_ip: Some("203.0.113.7".parse().expect("ip")),
            lifetime_seconds: 3600,
            pcp_nonce: Some([1, 2, 3]),
        };
        let text = serde_json::to_string(&r).expect("json");
        assert!(text.contains("\"method\":\"pcp\""));
        let back: MappingRecord = serde_json::from_str(&text).expect("parse");
        assert_eq!(back, r);
    }
}
