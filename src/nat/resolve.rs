//! STUN server names to addresses: every name at once, both families, within the timeout, and
//! the address this host can actually route to (IPv4 first, then IPv6).

use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::time::Duration;

/// One server, resolved.
#[derive(Debug, Clone)]
pub struct Target {
    pub spec: String,
    pub address: SocketAddr,
    /// The local address the routing table picks towards `address`.
    pub local_ip: IpAddr,
}

/// Why a server could not be used.
#[derive(Debug, Clone)]
pub enum Unusable {
    /// The name did not resolve (or not within the timeout).
    Unresolved(String),
    /// Resolved, but no address of it has a route from this host.
    NoRoute(SocketAddr, String),
}

/// The local IP that the routing table picks towards `dest` (no packet is sent).
pub fn route_source(dest: SocketAddr) -> std::io::Result<IpAddr> {
    let any: SocketAddr = if dest.is_ipv4() {
        (IpAddr::from([0u8; 4]), 0).into()
    } else {
        (IpAddr::from([0u16; 8]), 0).into()
    };
    let socket = std::net::UdpSocket::bind(any)?;
    socket.connect(dest)?;
    Ok(socket.local_addr()?.ip())
}

/// getaddrinfo on a detached thread: tokio's blocking pool would keep the process alive at exit
/// until a resolver without network gives up (15 s and more), whatever the timeout said.
async fn lookup(spec: String, timeout: Duration) -> Result<Vec<SocketAddr>, String> {
    if let Ok(addr) = spec.parse::<SocketAddr>() {
        return Ok(vec![addr]);
    }
    let (tx, rx) = tokio::sync::oneshot::channel();
    let name = spec.clone();
    let spawned = std::thread::Builder::new()
        .name("stun-resolve".into())
        .spawn(move || {
            let result = name
                .to_socket_addrs()
                .map(Iterator::collect::<Vec<_>>)
                .map_err(|e| e.to_string());
            let _ = tx.send(result);
        });
    if let Err(e) = spawned {
        return Err(format!("resolver thread: {e}"));
    }
    match tokio::time::timeout(timeout, rx).await {
        Ok(Ok(Ok(addrs))) if !addrs.is_empty() => Ok(addrs),
        Ok(Ok(Ok(_))) => Err("no address".into()),
        Ok(Ok(Err(e))) => Err(e),
        Ok(Err(_)) => Err("resolver thread ended".into()),
        Err(_) => Err(format!("no answer within {timeout:?}")),
    }
}

/// Picks the first address the host can route to: IPv4 addresses first (NAT is an IPv4
/// matter), then IPv6, so an IPv6-only host uses the AAAA record of a dual-stack name.
fn routable(addrs: &[SocketAddr]) -> Result<(SocketAddr, IpAddr), (SocketAddr, String)> {
    let mut last = None;
    for addr in addrs
        .iter()
        .filter(|a| a.is_ipv4())
        .chain(addrs.iter().filter(|a| a.is_ipv6()))
    {
        match route_source(*addr) {
            Ok(local) => return Ok((*addr, local)),
            Err(e) => last = Some((*addr, e.to_string())),
        }
    }
    Err(last.unwrap_or_else(|| (addrs[0], "no address".into())))
}

/// Resolves every spec in parallel; same order as given.
pub async fn resolve_all(specs: &[String], timeout: Duration) -> Vec<Result<Target, Unusable>> {
    let lookups = specs.iter().map(|s| lookup(s.clone(), timeout));
    let results = futures_util::future::join_all(lookups).await;
    specs
        .iter()
        .zip(results)
        .map(|(spec, result)| {
            let addrs = result.map_err(Unusable::Unresolved)?;
            let (address, local_ip) = routable(&addrs).map_err(|(a, e)| Unusable::NoRoute(a, e))?;
            Ok(Target {
                spec: spec.clone(),
                address,
                local_ip,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn literals_and_bad_names() {
        let specs = vec!["127.0.0.1:3478".to_string(), "[::1]:3478".to_string()];
        let out = resolve_all(&specs, Duration::from_secs(1)).await;
        let first = out[0].as_ref().expect("v4 literal");
        assert_eq!(first.local_ip, IpAddr::from([127, 0, 0, 1]));
        // ::1 routes when the loopback has IPv6; either way it is not "unresolved".
        assert!(!matches!(out[1], Err(Unusable::Unresolved(_))));
        let bad = resolve_all(
            &["nothing.invalid:3478".to_string()],
            Duration::from_secs(2),
        )
        .await;
        assert!(matches!(bad[0], Err(Unusable::Unresolved(_))));
    }

    #[test]
    fn ipv4_is_preferred_when_routable() {
        let v6: SocketAddr = "[::1]:3478".parse().expect("addr");
        let v4: SocketAddr = "127.0.0.1:3478".parse().expect("addr");
        let (picked, _) = routable(&[v6, v4]).expect("routable");
        assert_eq!(picked, v4);
    }
}
