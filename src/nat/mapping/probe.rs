//! The port-mapping probe of `nat detect`: UPnP-IGD, NAT-PMP and PCP asked at once, each with
//! a short test mapping on a random high port.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::num::NonZeroU16;
use std::time::Duration;

use crab_nat::{InternetProtocol, PortMappingOptions, PortMappingType};
use igd_next::PortMappingProtocol;
use serde::{Deserialize, Serialize};

use super::Protocol;
use super::gateway::{add_upnp, default_gateway, local_ip_towards, search_options, timeouts};

/// What one protocol did during [`probe`].
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ProtocolProbe {
    /// The gateway answered this protocol at all.
    pub answered: bool,
    pub external_ip: Option<IpAddr>,
    /// A short-lived test mapping was created and removed; `null` when not tried.
    pub test_mapping: Option<bool>,
    pub error: Option<String>,
    /// The router says it has no external address of its own (NAT-PMP result 3, "network
    /// failure", to the external-address request): what miniupnpd answers on a carrier-grade
    /// (100.64.0.0/10) or private WAN.
    #[serde(default)]
    pub no_public_address: bool,
}

/// The port-mapping part of `nat detect`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ProbeReport {
    pub gateway: Option<Ipv4Addr>,
    pub upnp_igd: ProtocolProbe,
    pub nat_pmp: ProtocolProbe,
    pub pcp: ProtocolProbe,
}

impl ProbeReport {
    pub fn any_answered(&self) -> bool {
        self.upnp_igd.answered || self.nat_pmp.answered || self.pcp.answered
    }

    /// The external address the gateway reported, from any protocol.
    pub fn external_ip(&self) -> Option<IpAddr> {
        [&self.upnp_igd, &self.pcp, &self.nat_pmp]
            .iter()
            .find_map(|p| p.external_ip)
    }

    /// Some protocol said the router has no public address of its own.
    pub fn no_public_address(&self) -> bool {
        [&self.upnp_igd, &self.nat_pmp, &self.pcp]
            .iter()
            .any(|p| p.no_public_address)
    }

    pub fn test_mapping_ok(&self) -> bool {
        [&self.upnp_igd, &self.nat_pmp, &self.pcp]
            .iter()
            .any(|p| p.test_mapping == Some(true))
    }
}

/// A test port that does not collide with the torrent port or a well-known one.
fn test_port(avoid: u16) -> u16 {
    let mut bytes = [0u8; 2];
    let _ = getrandom::fill(&mut bytes);
    let port = 50000 + u16::from_le_bytes(bytes) % 10000;
    if port == avoid { port + 1 } else { port }
}

/// Asks the default gateway for UPnP-IGD, NAT-PMP and PCP at once, each with a short UDP test
/// mapping (created, then removed) on a random high port. Within about `budget`.
pub async fn probe(avoid_port: u16, budget: Duration) -> ProbeReport {
    let gateway = tokio::task::spawn_blocking(default_gateway)
        .await
        .ok()
        .flatten();
    let Some(gateway) = gateway else {
        let none = ProtocolProbe {
            error: Some("no IPv4 default gateway".into()),
            ..Default::default()
        };
        return ProbeReport {
            gateway: None,
            upnp_igd: none.clone(),
            nat_pmp: none.clone(),
            pcp: none,
        };
    };
    let local = match local_ip_towards(gateway) {
        Ok(ip) => ip,
        Err(e) => {
            let none = ProtocolProbe {
                error: Some(e.to_string()),
                ..Default::default()
            };
            return ProbeReport {
                gateway: Some(gateway),
                upnp_igd: none.clone(),
                nat_pmp: none.clone(),
                pcp: none,
            };
        }
    };
    let port = test_port(avoid_port);
    let (upnp_igd, nat_pmp, pcp) = tokio::join!(
        probe_upnp(local, port, budget),
        probe_natpmp(gateway, port, budget),
        probe_pcp(gateway, local, port, budget),
    );
    ProbeReport {
        gateway: Some(gateway),
        upnp_igd,
        nat_pmp,
        pcp,
    }
}

async fn probe_upnp(local: Ipv4Addr, port: u16, budget: Duration) -> ProtocolProbe {
    let mut out = ProtocolProbe::default();
    let gateway = match igd_next::aio::tokio::search_gateway(search_options(local, budget)).await {
        Ok(g) => g,
        Err(e) => {
            out.error = Some(e.to_string());
            return out;
        }
    };
    out.answered = true;
    out.external_ip = gateway.get_external_ip().await.ok();
    let internal = SocketAddr::new(IpAddr::V4(local), port);
    match add_upnp(&gateway, Protocol::Udp, port, internal, 60).await {
        Ok(_) => {
            out.test_mapping = Some(true);
            let _ = gateway.remove_port(PortMappingProtocol::UDP, port).await;
        }
        Err(e) => {
            out.test_mapping = Some(false);
            out.error = Some(e);
        }
    }
    out
}

async fn probe_natpmp(gateway: Ipv4Addr, port: u16, budget: Duration) -> ProtocolProbe {
    let mut out = ProtocolProbe::default();
    let gw = crab_nat::GatewayAddress::from(gateway);
    match crab_nat::natpmp::external_address(gw, Some(timeouts(budget))).await {
        Ok(ip) => {
            out.answered = true;
            out.external_ip = Some(IpAddr::V4(ip));
        }
        Err(e) => {
            out.answered = !matches!(
                e,
                crab_nat::natpmp::Failure::Timeout | crab_nat::natpmp::Failure::Socket(_)
            );
            out.no_public_address = matches!(e, crab_nat::natpmp::Failure::NetworkFailure);
            out.error = Some(e.to_string());
            return out;
        }
    }
    let Some(internal) = NonZeroU16::new(port) else {
        return out;
    };
    let options = PortMappingOptions {
        external_port: Some(internal),
        lifetime_seconds: Some(60),
        timeout_config: Some(timeouts(budget)),
    };
    match crab_nat::natpmp::port_mapping(gw, InternetProtocol::Udp, internal, options).await {
        Ok(m) => {
            out.test_mapping = Some(true);
            let _ = m.try_drop().await;
        }
        Err(e) => {
            out.test_mapping = Some(false);
            out.error = Some(e.to_string());
        }
    }
    out
}

async fn probe_pcp(
    gateway: Ipv4Addr,
    local: Ipv4Addr,
    port: u16,
    budget: Duration,
) -> ProtocolProbe {
    let mut out = ProtocolProbe::default();
    let Some(internal) = NonZeroU16::new(port) else {
        return out;
    };
    let base = crab_nat::pcp::BaseMapRequest::new(
        crab_nat::GatewayAddress::from(gateway),
        IpAddr::V4(local),
        InternetProtocol::Udp,
        internal,
    );
    let options = PortMappingOptions {
        external_port: Some(internal),
        lifetime_seconds: Some(60),
        timeout_config: Some(timeouts(budget)),
    };
    match crab_nat::pcp::port_mapping(base, None, None, options).await {
        Ok(m) => {
            out.answered = true;
            out.test_mapping = Some(true);
            if let PortMappingType::Pcp { external_ip, .. } = m.mapping_type() {
                out.external_ip = Some(external_ip);
            }
            let _ = m.try_drop().await;
        }
        Err(e) => {
            use crab_nat::pcp::Failure as F;
            out.answered = !matches!(
                e,
                F::Timeout | F::Socket(_) | F::UnsupportedVersion(crab_nat::VersionCode::NatPmp)
            );
            if out.answered {
                out.test_mapping = Some(false);
            }
            out.error = Some(e.to_string());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_port_avoids_the_torrent_port() {
        for _ in 0..100 {
            let p = test_port(55555);
            assert!((50000..=60000).contains(&p) && p != 55555);
        }
    }
}
