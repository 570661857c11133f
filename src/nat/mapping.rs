//! Port mapping on the gateway: UPnP-IGD (igd-next), PCP and NAT-PMP (crab_nat).
//!
//! [`map_port`] maps one port for TCP and/or UDP with the first protocol that works,
//! [`Mapping::renew`] extends a lease, [`Mapping::unmap`] removes it, and a [`Lease`] does the
//! renewing in the background and removes the mappings when released or dropped. A
//! [`MappingRecord`] is the serialisable form that lets another process (`nat unmap`) remove a
//! mapping later.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::num::NonZeroU16;
use std::time::Duration;

use crab_nat::{InternetProtocol, PortMapping, PortMappingOptions, PortMappingType, TimeoutConfig};
use igd_next::PortMappingProtocol;
use igd_next::aio::Gateway;
use igd_next::aio::tokio::Tokio;
use serde::{Deserialize, Serialize};

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

/// The IPv4 default gateway from the kernel's routing table (Linux `/proc/net/route`). Blocking.
pub fn default_gateway() -> Option<Ipv4Addr> {
    let table = std::fs::read_to_string("/proc/net/route").ok()?;
    parse_route_table(&table)
}

fn parse_route_table(table: &str) -> Option<Ipv4Addr> {
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
fn local_ip_towards(gateway: Ipv4Addr) -> std::io::Result<Ipv4Addr> {
    let socket = std::net::UdpSocket::bind((Ipv4Addr::UNSPECIFIED, 0))?;
    socket.connect((gateway, 9))?;
    match socket.local_addr()?.ip() {
        IpAddr::V4(ip) => Ok(ip),
        IpAddr::V6(_) => Err(std::io::Error::other("no IPv4 route to the gateway")),
    }
}

fn timeouts(budget: Duration) -> TimeoutConfig {
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

fn search_options(local: Ipv4Addr, budget: Duration) -> igd_next::SearchOptions {
    let mut options = igd_next::SearchOptions::default();
    options.bind_addr = SocketAddr::new(IpAddr::V4(local), 0);
    options.timeout = Some(budget);
    options.single_search_timeout = Some(budget);
    options
}

/// What one protocol did during [`probe`].
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ProtocolProbe {
    /// The gateway answered this protocol at all.
    pub answered: bool,
    pub external_ip: Option<IpAddr>,
    /// A short-lived test mapping was created and removed; `null` when not tried.
    pub test_mapping: Option<bool>,
    pub error: Option<String>,
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

/// Adds a UPnP mapping; retries with a permanent lease when the gateway only supports those.
async fn add_upnp(
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
            port: super::detect::DEFAULT_PORT,
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

enum Handle {
    Upnp(Box<Gateway<Tokio>>),
    Crab(PortMapping),
}

/// One live mapping. Remove it with [`Mapping::unmap`]; a [`Lease`] does that on drop.
pub struct Mapping {
    record: MappingRecord,
    handle: Handle,
}

impl std::fmt::Debug for Mapping {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.record.fmt(f)
    }
}

impl Mapping {
    pub fn record(&self) -> &MappingRecord {
        &self.record
    }

    /// The public address peers can use, when the gateway told it.
    pub fn external_addr(&self) -> Option<SocketAddr> {
        self.record
            .external_ip
            .map(|ip| SocketAddr::new(ip, self.record.external_port))
    }

    /// Asks for the lease again.
    pub async fn renew(&mut self, lifetime: Duration) -> Result<(), MapError> {
        let secs = lease_seconds(lifetime);
        match &mut self.handle {
            Handle::Upnp(gateway) => {
                let granted = add_upnp(
                    gateway,
                    self.record.protocol,
                    self.record.external_port,
                    self.record.internal,
                    secs,
                )
                .await
                .map_err(MapError::Failed)?;
                self.record.lifetime_seconds = granted;
            }
            Handle::Crab(m) => {
                m.renew()
                    .await
                    .map_err(|e| MapError::Failed(e.to_string()))?;
                self.record.lifetime_seconds = m.lifetime();
                self.record.external_port = m.external_port().get();
            }
        }
        Ok(())
    }

    /// Removes the mapping from the gateway.
    pub async fn unmap(self) -> Result<(), MapError> {
        let method = self.record.method;
        match self.handle {
            Handle::Upnp(gateway) => gateway
                .remove_port(self.record.protocol.igd(), self.record.external_port)
                .await
                .map_err(|e| MapError::Unmap {
                    method,
                    detail: e.to_string(),
                }),
            Handle::Crab(m) => m.try_drop().await.map_err(|(e, _)| MapError::Unmap {
                method,
                detail: e.to_string(),
            }),
        }
    }
}

fn lease_seconds(lifetime: Duration) -> u32 {
    u32::try_from(lifetime.as_secs()).unwrap_or(u32::MAX).max(1)
}

/// Maps `opts.port` for every protocol in `opts.protocols` with the first method that can map
/// them all. Partial successes of a failing method are rolled back.
pub async fn map_port(opts: &MapOptions) -> Result<Vec<Mapping>, MapError> {
    let internal_port = NonZeroU16::new(opts.port).ok_or(MapError::PortZero)?;
    let gateway = opts
        .gateway
        .or_else(default_gateway)
        .ok_or(MapError::NoGateway)?;
    let local = local_ip_towards(gateway)?;
    let mut errors = Vec::new();
    for &method in &opts.methods {
        let mut done: Vec<Mapping> = Vec::new();
        let mut failure = None;
        let upnp = if method == Method::Upnp {
            match igd_next::aio::tokio::search_gateway(search_options(local, opts.timeout)).await {
                Ok(g) => Some(g),
                Err(e) => {
                    errors.push(format!("{method}: {e}"));
                    continue;
                }
            }
        } else {
            None
        };
        for &protocol in &opts.protocols {
            let result = match &upnp {
                Some(g) => map_upnp(g, local, gateway, protocol, opts).await,
                None => map_crab(method, gateway, local, protocol, internal_port, opts).await,
            };
            match result {
                Ok(m) => done.push(m),
                Err(e) => {
                    failure = Some(e);
                    break;
                }
            }
        }
        match failure {
            None => return Ok(done),
            Some(e) => {
                errors.push(format!("{method}: {e}"));
                for m in done {
                    let _ = m.unmap().await;
                }
            }
        }
    }
    Err(MapError::Failed(errors.join("; ")))
}

async fn map_upnp(
    gateway: &Gateway<Tokio>,
    local: Ipv4Addr,
    gateway_ip: Ipv4Addr,
    protocol: Protocol,
    opts: &MapOptions,
) -> Result<Mapping, String> {
    let internal = SocketAddr::new(IpAddr::V4(local), opts.port);
    let granted = add_upnp(
        gateway,
        protocol,
        opts.port,
        internal,
        lease_seconds(opts.lifetime),
    )
    .await?;
    let external_ip = gateway.get_external_ip().await.ok();
    let gateway_ip = match gateway.addr.ip() {
        IpAddr::V4(ip) => ip,
        IpAddr::V6(_) => gateway_ip,
    };
    Ok(Mapping {
        record: MappingRecord {
            method: Method::Upnp,
            protocol,
            gateway: gateway_ip,
            internal,
            external_port: opts.port,
            external_ip,
            lifetime_seconds: granted,
            pcp_nonce: None,
        },
        handle: Handle::Upnp(Box::new(gateway.clone())),
    })
}

async fn map_crab(
    method: Method,
    gateway: Ipv4Addr,
    local: Ipv4Addr,
    protocol: Protocol,
    internal_port: NonZeroU16,
    opts: &MapOptions,
) -> Result<Mapping, String> {
    let gw = crab_nat::GatewayAddress::from(gateway);
    let options = PortMappingOptions {
        external_port: Some(internal_port),
        lifetime_seconds: Some(lease_seconds(opts.lifetime)),
        timeout_config: Some(timeouts(opts.timeout)),
    };
    let mapping = match method {
        Method::Pcp => crab_nat::pcp::port_mapping(
            crab_nat::pcp::BaseMapRequest::new(
                gw,
                IpAddr::V4(local),
                protocol.crab(),
                internal_port,
            ),
            None,
            None,
            options,
        )
        .await
        .map_err(|e| e.to_string())?,
        Method::NatPmp => {
            crab_nat::natpmp::port_mapping(gw, protocol.crab(), internal_port, options)
                .await
                .map_err(|e| e.to_string())?
        }
        Method::Upnp => return Err("not a PCP/NAT-PMP method".into()),
    };
    let (external_ip, pcp_nonce) = match mapping.mapping_type() {
        PortMappingType::Pcp {
            external_ip, nonce, ..
        } => (Some(external_ip), Some(nonce)),
        PortMappingType::NatPmp => (
            crab_nat::natpmp::external_address(gw, Some(timeouts(opts.timeout)))
                .await
                .ok()
                .map(IpAddr::V4),
            None,
        ),
    };
    Ok(Mapping {
        record: MappingRecord {
            method,
            protocol,
            gateway,
            internal: SocketAddr::new(IpAddr::V4(local), internal_port.get()),
            external_port: mapping.external_port().get(),
            external_ip,
            lifetime_seconds: mapping.lifetime(),
            pcp_nonce,
        },
        handle: Handle::Crab(mapping),
    })
}

/// Removes a mapping described by a record, e.g. one that `nat map` left behind.
pub async fn unmap_record(record: &MappingRecord, timeout: Duration) -> Result<(), MapError> {
    let method = record.method;
    let err = |detail: String| MapError::Unmap { method, detail };
    let gw = crab_nat::GatewayAddress::from(record.gateway);
    match record.method {
        Method::Upnp => {
            let local = match record.internal.ip() {
                IpAddr::V4(ip) => ip,
                IpAddr::V6(_) => local_ip_towards(record.gateway)?,
            };
            let gateway = igd_next::aio::tokio::search_gateway(search_options(local, timeout))
                .await
                .map_err(|e| err(e.to_string()))?;
            gateway
                .remove_port(record.protocol.igd(), record.external_port)
                .await
                .map_err(|e| err(e.to_string()))
        }
        Method::NatPmp => crab_nat::natpmp::try_drop_mapping(
            gw,
            record.protocol.crab(),
            NonZeroU16::new(record.internal.port()),
            Some(timeouts(timeout)),
        )
        .await
        .map_err(|e| err(e.to_string())),
        Method::Pcp => {
            let nonce = record
                .pcp_nonce
                .ok_or_else(|| err("the record has no PCP nonce".into()))?;
            let internal_port = NonZeroU16::new(record.internal.port())
                .ok_or_else(|| err("internal port 0".into()))?;
            crab_nat::pcp::try_drop_mapping(
                gw,
                record.internal.ip(),
                nonce,
                crab_nat::pcp::DropMappingRange::Single {
                    internal_port,
                    protocol: record.protocol.crab(),
                },
                Some(timeouts(timeout)),
            )
            .await
            .map_err(|e| err(e.to_string()))
        }
    }
}

/// When to renew: at half the shortest granted lease (at least a second); permanent leases (0)
/// need no renewal, so then only an hourly check.
fn renew_after(lifetimes: impl Iterator<Item = u32>) -> Duration {
    match lifetimes.filter(|s| *s > 0).min() {
        Some(s) => Duration::from_millis(u64::from(s) * 500).max(Duration::from_secs(1)),
        None => Duration::from_secs(3600),
    }
}

/// Mappings kept alive in the background: renewed at half their lease, removed by
/// [`Lease::release`] or, best effort, when dropped inside a tokio runtime.
pub struct Lease {
    records: Vec<MappingRecord>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<Vec<MapError>>>,
}

impl Lease {
    /// Maps the port(s) and starts renewing.
    pub async fn start(opts: &MapOptions) -> Result<Lease, MapError> {
        let mut mappings = map_port(opts).await?;
        let records = mappings.iter().map(|m| m.record().clone()).collect();
        let lifetime = opts.lifetime;
        let (stop, mut stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            loop {
                let wait = renew_after(mappings.iter().map(|m| m.record().lifetime_seconds));
                tokio::select! {
                    _ = &mut stopped => break,
                    _ = tokio::time::sleep(wait) => {
                        for m in &mut mappings {
                            if let Err(e) = m.renew(lifetime).await {
                                tracing::warn!("renewing the {} port mapping failed: {e}",
                                    m.record().protocol);
                            }
                        }
                    }
                }
            }
            let mut errors = Vec::new();
            for m in mappings {
                if let Err(e) = m.unmap().await {
                    errors.push(e);
                }
            }
            errors
        });
        Ok(Lease {
            records,
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// The mappings as first granted.
    pub fn records(&self) -> &[MappingRecord] {
        &self.records
    }

    /// Stops renewing and removes every mapping; returns the removal errors.
    pub async fn release(mut self) -> Vec<MapError> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        match self.task.take() {
            Some(task) => task.await.unwrap_or_default(),
            None => Vec::new(),
        }
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        // The background task removes the mappings once told to stop, as long as the runtime
        // keeps running; `release` is the way to wait for it.
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
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

    #[test]
    fn test_port_avoids_the_torrent_port() {
        for _ in 0..100 {
            let p = test_port(55555);
            assert!((50000..=60000).contains(&p) && p != 55555);
        }
    }

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

    #[test]
    fn renewal_at_half_the_shortest_lease() {
        assert_eq!(
            renew_after([3600, 120].into_iter()),
            Duration::from_secs(60)
        );
        assert_eq!(
            renew_after([0, 7200].into_iter()),
            Duration::from_secs(3600)
        );
        assert_eq!(renew_after([1].into_iter()), Duration::from_secs(1));
        assert_eq!(renew_after([0].into_iter()), Duration::from_secs(3600));
        assert_eq!(renew_after(std::iter::empty()), Duration::from_secs(3600));
    }

    #[test]
    fn lease_seconds_never_zero() {
        assert_eq!(lease_seconds(Duration::ZERO), 1);
        assert_eq!(lease_seconds(Duration::from_secs(7200)), 7200);
    }
}
