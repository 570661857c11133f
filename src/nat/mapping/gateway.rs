//! Finding and talking to the gateway: the default route, the local address towards it, the
//! protocols' timeouts, and UPnP's add-port call that both the probe and the mapping use.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;

use crab_nat::TimeoutConfig;
use igd_next::aio::Gateway;
use igd_next::aio::tokio::Tokio;

use super::Protocol;

/// The IPv4 default gateway from the kernel's routing table (Linux `/proc/net/route`). Blocking.
pub fn default_gateway() -> Option<Ipv4Addr> {
    let table = std::fs::read_to_string("/proc/net/route").ok()?;
    parse_route_table(&table)
}

pub(super) fn parse_route_table(table: &str) -> Option<Ipv4Addr> {
    table.lines().skip(1).find_map(|line| {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let (destination, gateway) = (fields.get(1)?, fields.get(2)?);
        if *destination != "00000000" {
            return None;
        }
        // Little-endian hex, as the kernel prints it.
        let raw = u32::from_str_radix(gateway, 16).ok()?;
        let ip = Ipv4Addr::from(raw.to_le_bytes());
        (!ip.is_unspecified()).then_some(ip)
    })
}

/// The local address the kernel uses towards `gateway`.
pub(super) fn local_ip_towards(gateway: Ipv4Addr) -> std::io::Result<Ipv4Addr> {
    match crate::nat::resolve::route_source(SocketAddr::from((gateway, 9)))? {
        IpAddr::V4(ip) => Ok(ip),
        IpAddr::V6(_) => Err(std::io::Error::other("no IPv4 route to the gateway")),
    }
}

pub(super) fn timeouts(budget: Duration) -> TimeoutConfig {
    // RFC 6886 starts at 250 ms and doubles; keep within the budget.
    TimeoutConfig {
        initial_timeout: Duration::from_millis(250).min(budget),
        max_retries: if budget >= Duration::from_millis(750) {
            1
        } else {
            0
        },
        max_retry_timeout: Some(budget),
    }
}

pub(super) fn search_options(local: Ipv4Addr, budget: Duration) -> igd_next::SearchOptions {
    let mut options = igd_next::SearchOptions::default();
    options.bind_addr = SocketAddr::new(IpAddr::V4(local), 0);
    options.timeout = Some(budget);
    options.single_search_timeout = Some(budget);
    options
}

/// Adds a UPnP mapping; retries with a permanent lease when the gateway only supports those.
pub(super) async fn add_upnp(
    gateway: &Gateway<Tokio>,
    protocol: Protocol,
    external_port: u16,
    internal: SocketAddr,
    lease_seconds: u32,
) -> Result<u32, String> {
    let description = "peerstream";
    match gateway
        .add_port(
            protocol.igd(),
            external_port,
            internal,
            lease_seconds,
            description,
        )
        .await
    {
        Ok(()) => Ok(lease_seconds),
        Err(igd_next::AddPortError::OnlyPermanentLeasesSupported) => gateway
            .add_port(protocol.igd(), external_port, internal, 0, description)
            .await
            .map(|()| 0)
            .map_err(|e| e.to_string()),
        Err(e) => Err(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_gateway_from_route_table() {
        let table = "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n\
                     c0\t00011277\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n\
                     c0\t00000000\t010112C6\t0003\t0\t0\t0\t00000000\t0\t0\t0\n";
        assert_eq!(parse_route_table(table), Some(Ipv4Addr::new(198, 18, 1, 1)));
        assert_eq!(parse_route_table("Iface\tDestination\tGateway\n"), None);
        assert_eq!(parse_route_table(""), None);
    }
}
