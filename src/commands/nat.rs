//! `nat detect`, `nat map`, `nat unmap`.
//!
//! The report is the data: it goes to stdout (human form, or JSON with `--json`); progress notes
//! and hints go to stderr.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use color_eyre::eyre::{Result, WrapErr};
use serde::Serialize;

use super::{Context, print_json};
use crate::cli::{NatCommand, NatDetectArgs, NatMapArgs, NatUnmapArgs};
use crate::exit::{CliError, ExitCode};
use crate::nat::mapping::{self, MapError, MappingRecord};
use crate::nat::{DetectError, DetectOptions, Report, Status};

/// Where `nat map` records its mappings so that `nat unmap` can remove them (a dot file: the
/// cache listing skips it).
const STATE_FILE: &str = ".nat-mappings.json";

/// Runs one `nat` subcommand.
pub async fn run(ctx: &Context, command: NatCommand) -> Result<()> {
    match command {
        NatCommand::Detect(args) => detect(ctx, &args).await,
        NatCommand::Map(args) => map(ctx, &args).await,
        NatCommand::Unmap(args) => unmap(ctx, &args).await,
    }
}

/// `--port`, else the swarm's listen port from the settings (0, "any port", names none: the
/// default torrent port then).
fn torrent_port(ctx: &Context, flag: Option<u16>) -> u16 {
    match flag.unwrap_or(ctx.settings.listen_port) {
        0 => crate::nat::DEFAULT_PORT,
        port => port,
    }
}

pub async fn detect(ctx: &Context, args: &NatDetectArgs) -> Result<()> {
    let defaults = DetectOptions::default();
    let opts = DetectOptions {
        // The flags, else the same servers and port the swarm uses (config file, env).
        servers: if args.stun.is_empty() {
            ctx.settings.stun_servers.clone()
        } else {
            args.stun.clone()
        },
        timeout: args.timeout.unwrap_or(defaults.timeout),
        port: torrent_port(ctx, args.port),
        hairpin: !args.no_hairpin,
        port_mapping: !args.no_port_mapping,
        turn: args.turn.clone(),
    };
    if !args.json {
        // Whether a server speaks RFC 5780 is only known from its answer (the report says).
        ctx.note(format!(
            "Testing NAT behaviour with {}...",
            opts.servers.join(", ")
        ));
    }
    let report = match crate::nat::detect(&opts).await {
        Ok(r) => r,
        Err(e @ (DetectError::NoServers | DetectError::BadServer(_))) => {
            return Err(CliError::new(ExitCode::Usage, e.to_string())
                .with_hint("give --stun HOST:PORT, e.g. --stun stun.stunprotocol.org:3478")
                .into());
        }
        Err(e) => return Err(e).wrap_err("NAT detection"),
    };
    if args.json {
        print_json(&report)?;
    } else {
        print_report(&report)?;
    }
    match report.status {
        Status::Ok => Ok(()),
        Status::UdpBlocked => Err(CliError::new(
            ExitCode::UdpBlocked,
            "UDP blocked: no STUN server answered",
        )
        .with_hint("allow outgoing UDP, or try another server with --stun HOST:PORT")
        .into()),
        Status::NoServerReachable => Err(CliError::new(
            ExitCode::NoStunServer,
            "no STUN server reachable",
        )
        .with_hint("check DNS and the network, or give a server with --stun HOST:PORT")
        .into()),
    }
}

fn yes_no(v: Option<bool>, unknown: &str) -> String {
    match v {
        Some(true) => "yes".into(),
        Some(false) => "no".into(),
        None => unknown.into(),
    }
}

fn print_report(r: &Report) -> Result<()> {
    let mut out = super::printer::data();
    let show = |o: Option<std::net::SocketAddr>| o.map_or("-".to_string(), |a| a.to_string());
    writeln!(out, "NAT type:        {}", r.classic_label)?;
    writeln!(
        out,
        "NAT:             {}",
        yes_no(r.nat, "unknown (no server answered)")
    )?;
    writeln!(
        out,
        "Mapping:         {}",
        r.mapping.map_or("not tested", |b| b.describe())
    )?;
    writeln!(
        out,
        "Filtering:       {}",
        r.filtering.map_or("not tested", |b| b.describe())
    )?;
    writeln!(
        out,
        "Hairpinning:     {}",
        yes_no(r.hairpinning, "not tested")
    )?;
    writeln!(out, "Local address:   {}", show(r.local_address))?;
    writeln!(out, "Public address:  {}", show(r.public_address))?;
    // Never `Some(false)`: a router reporting the STUN address does not rule double NAT out.
    if r.double_nat == Some(true) {
        writeln!(out, "Double NAT:      yes")?;
    }
    if let Some(s) = &r.server {
        let extra = match (s.rfc5780, s.other_address) {
            (true, Some(o)) => format!("RFC 5780, alternate {o}"),
            _ => "no RFC 5780".to_string(),
        };
        writeln!(
            out,
            "STUN server:     {} = {} ({extra}, rtt {:.2} ms)",
            s.server, s.address, s.rtt_ms
        )?;
    }
    if let Some(p) = &r.port_mapping {
        let one = |name: &str, x: &mapping::ProtocolProbe| {
            let state = match (x.answered, x.test_mapping) {
                (false, _) => "no answer".to_string(),
                (true, Some(true)) => "test mapping ok".to_string(),
                (true, Some(false)) => format!(
                    "answered, test mapping refused ({})",
                    x.error.as_deref().unwrap_or("no reason given")
                ),
                (true, None) => match &x.error {
                    Some(e) => format!("answered, refused ({e})"),
                    None => "answered".to_string(),
                },
            };
            format!("{name} {state}")
        };
        writeln!(
            out,
            "Port mapping:    {}; {}; {} (gateway {})",
            one("UPnP-IGD", &p.upnp_igd),
            one("NAT-PMP", &p.nat_pmp),
            one("PCP", &p.pcp),
            p.gateway.map_or("none".to_string(), |g| g.to_string())
        )?;
    }
    if let Some(t) = &r.turn {
        match (t.ok, t.relayed_address) {
            (true, Some(relayed)) => writeln!(
                out,
                "TURN relay:      {} granted {relayed} (lifetime {} s), released again",
                t.server,
                t.lifetime_seconds.unwrap_or(0)
            )?,
            _ => writeln!(
                out,
                "TURN relay:      {} failed: {}",
                t.server,
                t.error.as_deref().unwrap_or("no relayed address")
            )?,
        }
    }
    writeln!(out)?;
    writeln!(out, "Verdict: {}", r.verdict)?;
    for a in &r.advice {
        writeln!(out, "  - {a}")?;
    }
    for n in &r.notes {
        writeln!(out, "Note: {n}")?;
    }
    writeln!(
        out,
        "(took {:.2} s)",
        Duration::from_millis(r.duration_ms).as_secs_f64()
    )?;
    out.flush()?;
    Ok(())
}

fn state_path(ctx: &Context) -> PathBuf {
    ctx.settings.cache_dir.join(STATE_FILE)
}

async fn read_state(path: &Path) -> Result<Vec<MappingRecord>> {
    let owned = path.to_path_buf();
    tokio::task::spawn_blocking(move || read_state_blocking(&owned)).await?
}

fn read_state_blocking(path: &Path) -> Result<Vec<MappingRecord>> {
    use crate::cache::files::{MAX_SMALL_FILE_BYTES, read_small_text};
    match read_small_text(path, MAX_SMALL_FILE_BYTES) {
        Ok(text) => serde_json::from_str(&text)
            .wrap_err_with(|| format!("reading the mapping records in {}", path.display())),
        Err(e) if e.is_not_found() => Ok(Vec::new()),
        Err(e) => Err(e).wrap_err_with(|| format!("reading {}", path.display())),
    }
}

async fn write_state(path: &Path, records: &[MappingRecord]) -> Result<()> {
    let (owned, records) = (path.to_path_buf(), records.to_vec());
    tokio::task::spawn_blocking(move || write_state_blocking(&owned, &records)).await?
}

/// Atomic, so a full disk leaves the previous records.
fn write_state_blocking(path: &Path, records: &[MappingRecord]) -> Result<()> {
    if records.is_empty() {
        match std::fs::remove_file(path) {
            Ok(()) => return Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(e).wrap_err_with(|| format!("removing {}", path.display())),
        }
    }
    let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
        return Err(color_eyre::eyre::eyre!(
            "{} is not a file path",
            path.display()
        ));
    };
    let text = serde_json::to_string_pretty(records)?;
    crate::cache::files::write_atomic(dir, &name.to_string_lossy(), text.as_bytes())
        .wrap_err_with(|| format!("writing {}", path.display()))
}

fn same_mapping(a: &MappingRecord, b: &MappingRecord) -> bool {
    a.method == b.method && a.protocol == b.protocol && a.internal == b.internal
}

#[derive(Serialize)]
struct MapOutput<'a> {
    mapped: bool,
    held: bool,
    mappings: &'a [MappingRecord],
    state_file: Option<PathBuf>,
}

fn map_error(e: MapError) -> color_eyre::Report {
    match e {
        MapError::PortZero => CliError::new(ExitCode::Usage, e.to_string()).into(),
        MapError::NoGateway => CliError::new(ExitCode::NetworkUnreachable, e.to_string())
            .with_hint("give the router's address with --gateway")
            .into(),
        other => CliError::new(ExitCode::Error, other.to_string())
            .with_hint(
                "enable UPnP or NAT-PMP/PCP on the router, or forward the port by hand \
                 (docs/P2P_SETUP_GUIDE.md)",
            )
            .into(),
    }
}

pub async fn map(ctx: &Context, args: &NatMapArgs) -> Result<()> {
    let mut opts = args.map_options();
    opts.port = torrent_port(ctx, args.port);
    let opts = &opts;
    let json = args.json;
    if args.hold {
        let lease = mapping::Lease::start(opts).await.map_err(map_error)?;
        let records = lease.records().to_vec();
        if json {
            print_json(&MapOutput {
                mapped: true,
                held: true,
                mappings: &records,
                state_file: None,
            })?;
        } else {
            print_mappings(&records)?;
        }
        ctx.note("Holding the mapping and renewing its lease; Ctrl-C removes it.");
        // Ctrl-C or SIGTERM: either one removes the mapping and exits 0.
        super::signal::stop_signal().await;
        let errors = lease.release().await;
        for e in &errors {
            ctx.note(format!("warning: {e}"));
        }
        ctx.note("Mapping removed.");
        return Ok(());
    }

    let mappings = mapping::map_port(opts).await.map_err(map_error)?;
    let records: Vec<MappingRecord> = mappings.iter().map(|m| m.record().clone()).collect();
    let path = state_path(ctx);
    let mut state = read_state(&path).await.unwrap_or_default();
    state.retain(|old| !records.iter().any(|new| same_mapping(old, new)));
    state.extend(records.iter().cloned());
    write_state(&path, &state).await?;
    if json {
        print_json(&MapOutput {
            mapped: true,
            held: false,
            mappings: &records,
            state_file: Some(path.clone()),
        })?;
    } else {
        print_mappings(&records)?;
        ctx.note(format!(
            "Recorded in {}; `peerstream nat unmap` removes it (or it expires with its lease).",
            path.display()
        ));
    }
    Ok(())
}

fn print_mappings(records: &[MappingRecord]) -> Result<()> {
    let mut out = super::printer::data();
    for r in records {
        let external = r
            .external_ip
            .map_or(format!("*:{}", r.external_port), |ip| {
                std::net::SocketAddr::new(ip, r.external_port).to_string()
            });
        let lease = if r.lifetime_seconds == 0 {
            "permanent".to_string()
        } else {
            format!("lease {} s", r.lifetime_seconds)
        };
        writeln!(
            out,
            "{} {} -> {} via {} ({lease}, gateway {})",
            r.protocol, external, r.internal, r.method, r.gateway
        )?;
    }
    out.flush()?;
    Ok(())
}

#[derive(Serialize)]
struct UnmapOutput {
    removed: Vec<MappingRecord>,
    failed: Vec<UnmapFailure>,
}

#[derive(Serialize)]
struct UnmapFailure {
    mapping: MappingRecord,
    error: String,
}

pub async fn unmap(ctx: &Context, args: &NatUnmapArgs) -> Result<()> {
    let (port, json) = (args.port, args.json);
    let timeout = args.timeout.unwrap_or(Duration::from_secs(2));
    let path = state_path(ctx);
    let state = read_state(&path).await?;
    let (targets, keep): (Vec<MappingRecord>, Vec<MappingRecord>) = state
        .into_iter()
        .partition(|r| port.is_none_or(|p| r.internal.port() == p));
    if targets.is_empty() {
        return Err(CliError::new(
            ExitCode::Error,
            match port {
                Some(p) => format!("no mapping of port {p} recorded in {}", path.display()),
                None => format!("no mapping recorded in {}", path.display()),
            },
        )
        .with_hint("`nat unmap` removes what `nat map` made with the same --cache-dir")
        .into());
    }
    let mut output = UnmapOutput {
        removed: Vec::new(),
        failed: Vec::new(),
    };
    for record in targets {
        match mapping::unmap_record(&record, timeout).await {
            Ok(()) => output.removed.push(record),
            Err(e) => output.failed.push(UnmapFailure {
                mapping: record,
                error: e.to_string(),
            }),
        }
    }
    let mut remaining = keep;
    remaining.extend(output.failed.iter().map(|f| f.mapping.clone()));
    write_state(&path, &remaining).await?;
    if json {
        print_json(&output)?;
    } else {
        let mut out = super::printer::data();
        for r in &output.removed {
            writeln!(
                out,
                "removed {} {} -> {} via {}",
                r.protocol, r.external_port, r.internal, r.method
            )?;
        }
        for f in &output.failed {
            writeln!(
                out,
                "failed  {} {} -> {} via {}: {}",
                f.mapping.protocol,
                f.mapping.external_port,
                f.mapping.internal,
                f.mapping.method,
                f.error
            )?;
        }
    }
    if output.failed.is_empty() {
        Ok(())
    } else {
        Err(CliError::new(
            ExitCode::Error,
            format!("{} mapping(s) could not be removed", output.failed.len()),
        )
        .with_hint("they stay recorded; retry, or they expire with their lease")
        .into())
    }
}
