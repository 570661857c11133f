//! `nat` subcommands.

use std::net::Ipv4Addr;
use std::time::Duration;

use clap::builder::BoolishValueParser;
use clap::{Args, Subcommand, ValueEnum};

#[derive(Debug, Subcommand)]
pub enum NatCommand {
    /// Detect the NAT type with STUN (RFC 5780) and probe UPnP-IGD, NAT-PMP and PCP
    Detect(NatDetectArgs),
    /// Map the torrent port on the router (UPnP-IGD, PCP or NAT-PMP)
    Map(NatMapArgs),
    /// Remove port mappings made by `nat map`
    Unmap(NatUnmapArgs),
}

/// A timeout or lifetime: the one duration syntax of every setting (`3`, `2.5`, `500ms`), more
/// than zero.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    match crate::config::value::parse_duration(text)? {
        d if d.is_zero() => Err("must be more than zero (examples: 3, 2.5, 500ms)".into()),
        d => Ok(d),
    }
}

#[derive(Debug, Args)]
pub struct NatDetectArgs {
    /// STUN server (repeatable; tried in order, RFC 5780 servers preferred)
    /// [default: the setting nat.stun_servers]
    #[arg(
        long = "stun",
        env = "PEERSTREAM_STUN",
        value_name = "HOST:PORT",
        value_delimiter = ','
    )]
    pub stun: Vec<String>,

    /// How long a request that should be answered may take, retransmissions included
    /// (seconds, or with a unit: 500ms) [default: 3]
    #[arg(long, env = "PEERSTREAM_NAT_TIMEOUT", value_name = "DURATION", value_parser = parse_duration)]
    pub timeout: Option<Duration>,

    /// The torrent port that the advice talks about [default: the setting p2p.listen_port]
    #[arg(long, env = "PEERSTREAM_PORT", value_name = "PORT")]
    pub port: Option<u16>,

    /// Skip the hairpinning test
    #[arg(long, env = "PEERSTREAM_NO_HAIRPIN", value_parser = BoolishValueParser::new())]
    pub no_hairpin: bool,

    /// Do not probe UPnP-IGD, NAT-PMP and PCP on the gateway
    #[arg(long, env = "PEERSTREAM_NO_PORT_MAPPING", value_parser = BoolishValueParser::new())]
    pub no_port_mapping: bool,

    /// Also check that this TURN relay grants an allocation, and show the relayed address
    #[arg(long, env = "PEERSTREAM_TURN", value_name = "turn:USER:PASS@HOST[:PORT]",
          value_parser = parse_turn, hide_env_values = true)]
    pub turn: Option<crate::nat::turn::TurnSpec>,

    /// Print one JSON document on stdout (schema: docs/JSON-nat.md)
    #[arg(long, env = "PEERSTREAM_JSON", value_parser = BoolishValueParser::new())]
    pub json: bool,
}

fn parse_turn(text: &str) -> Result<crate::nat::turn::TurnSpec, String> {
    text.parse()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MapProtocol {
    Tcp,
    Udp,
    Both,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MapMethod {
    /// UPnP-IGD, then PCP, then NAT-PMP
    Auto,
    Upnp,
    Pcp,
    NatPmp,
}

#[derive(Debug, Args)]
pub struct NatMapArgs {
    /// Local port to map; the same external port is asked for [default: the setting
    /// p2p.listen_port]
    #[arg(long, env = "PEERSTREAM_PORT", value_name = "PORT")]
    pub port: Option<u16>,

    /// Which transport to map
    #[arg(
        long,
        env = "PEERSTREAM_NAT_PROTOCOL",
        value_enum,
        default_value = "both"
    )]
    pub protocol: MapProtocol,

    /// Which port-mapping protocol to use
    #[arg(
        long,
        env = "PEERSTREAM_NAT_METHOD",
        value_enum,
        default_value = "auto"
    )]
    pub method: MapMethod,

    /// Lease to ask for (seconds, or with a unit: 2h) [default: 3600]
    #[arg(long, env = "PEERSTREAM_NAT_LIFETIME", value_name = "DURATION", value_parser = parse_duration)]
    pub lifetime: Option<Duration>,

    /// Gateway for PCP and NAT-PMP [default: the default route's]
    #[arg(long, env = "PEERSTREAM_GATEWAY", value_name = "IPV4")]
    pub gateway: Option<Ipv4Addr>,

    /// Budget of each protocol's attempt [default: 2]
    #[arg(long, env = "PEERSTREAM_NAT_TIMEOUT", value_name = "DURATION", value_parser = parse_duration)]
    pub timeout: Option<Duration>,

    /// Stay in the foreground renewing the lease; remove the mapping on Ctrl-C
    #[arg(long, env = "PEERSTREAM_NAT_HOLD", value_parser = BoolishValueParser::new())]
    pub hold: bool,

    /// Print one JSON document on stdout
    #[arg(long, env = "PEERSTREAM_JSON", value_parser = BoolishValueParser::new())]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct NatUnmapArgs {
    /// Only the mappings of this local port [default: every mapping `nat map` recorded]
    #[arg(long, env = "PEERSTREAM_PORT", value_name = "PORT")]
    pub port: Option<u16>,

    /// Budget of each removal [default: 2]
    #[arg(long, env = "PEERSTREAM_NAT_TIMEOUT", value_name = "DURATION", value_parser = parse_duration)]
    pub timeout: Option<Duration>,

    /// Print one JSON document on stdout
    #[arg(long, env = "PEERSTREAM_JSON", value_parser = BoolishValueParser::new())]
    pub json: bool,
}

impl NatMapArgs {
    /// The library's options for these flags (defaults filled in).
    pub fn map_options(&self) -> crate::nat::MapOptions {
        use crate::nat::{Method, Protocol};
        let mut opts = crate::nat::MapOptions::default();
        if let Some(p) = self.port {
            opts.port = p;
        }
        opts.protocols = match self.protocol {
            MapProtocol::Tcp => vec![Protocol::Tcp],
            MapProtocol::Udp => vec![Protocol::Udp],
            MapProtocol::Both => vec![Protocol::Tcp, Protocol::Udp],
        };
        opts.methods = match self.method {
            MapMethod::Auto => vec![Method::Upnp, Method::Pcp, Method::NatPmp],
            MapMethod::Upnp => vec![Method::Upnp],
            MapMethod::Pcp => vec![Method::Pcp],
            MapMethod::NatPmp => vec![Method::NatPmp],
        };
        if let Some(l) = self.lifetime {
            opts.lifetime = l;
        }
        if let Some(t) = self.timeout {
            opts.timeout = t;
        }
        opts.gateway = self.gateway;
        opts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("3"), Ok(Duration::from_secs(3)));
        assert_eq!(parse_duration("2.5"), Ok(Duration::from_millis(2500)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("2h"), Ok(Duration::from_secs(7200)));
        assert!(parse_duration("0").is_err());
        assert!(parse_duration("-1").is_err());
        assert!(parse_duration("soon").is_err());
    }
}
