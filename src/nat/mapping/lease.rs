//! Live mappings: made with the first method that works ([`map_port`]), renewed, removed
//! ([`Mapping::unmap`], [`unmap_record`]), and kept alive in the background by a [`Lease`].

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::num::NonZeroU16;
use std::time::Duration;

use crab_nat::{PortMapping, PortMappingOptions, PortMappingType};
use igd_next::aio::Gateway;
use igd_next::aio::tokio::Tokio;

use super::gateway::{add_upnp, default_gateway, local_ip_towards, search_options, timeouts};
use super::{MapError, MapOptions, MappingRecord, Method, Protocol};

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
