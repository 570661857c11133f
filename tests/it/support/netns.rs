//! The NAT lab: three network namespaces built and torn down by the test itself. The lab is
//! defined once, in `tests/nat_lab/lab.sh` (topology, addresses, router modes, loss, the STUN
//! server); this drives it, and `scripts/bench-nat` drives the same script.
//!
//! ```text
//!  client ns                router ns                         public ns
//!  c0 198.18.1.2/24 ---- r0 198.18.1.1/24                      p0 198.19.0.2/24 (STUN primary)
//!     2001:db8:1::2         2001:db8:1::1                         198.19.0.3/24 (STUN alternate)
//!  default via .1.1      r1 198.19.0.1/24, 2001:db8:2::1 ----     198.19.0.4/24 (spare)
//!                        nft ruleset = the router mode            2001:db8:2::2, ::3
//! ```
//!
//! `Lab::add_carrier_nat` puts a fourth namespace, a carrier-grade NAT, between router and public.
//!
//! Every name carries the process id and a counter, so parallel tests and parallel runs do not
//! collide; `Drop` stops the daemons and deletes the namespaces.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use super::{ChildGuard, wait_until};

pub const CLIENT_IP: &str = "198.18.1.2";
pub const ROUTER_LAN_IP: &str = "198.18.1.1";
pub const ROUTER_WAN_IP: &str = "198.19.0.1";
pub const STUN_PRIMARY: &str = "198.19.0.2";
pub const STUN_ALTERNATE: &str = "198.19.0.3";
pub const SPARE_PUBLIC: &str = "198.19.0.4";
pub const STUN_PRIMARY_V6: &str = "2001:db8:2::2";

/// Router modes, each an nft ruleset in `tests/nat_lab/<mode>.nft`.
pub const MODES: &[&str] = &[
    "none",
    "firewall",
    "masquerade",
    "random",
    "fullcone",
    "restricted",
    "hairpin",
    "udpdrop",
];

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// Tools the lab needs, with the Debian package that has each.
pub const TOOLS: &[(&str, &str)] = &[
    ("ip", "iproute2"),
    ("ss", "iproute2"),
    ("nft", "nftables"),
    ("turnserver", "coturn"),
    ("turnutils_natdiscovery", "coturn"),
];

fn on_path(tool: &str) -> bool {
    let Some(path) = std::env::var_os("PATH") else {
        return false;
    };
    std::env::split_paths(&path)
        .chain(["/usr/sbin".into(), "/sbin".into()])
        .any(|dir| dir.join(tool).is_file())
}

/// `Ok` when the lab can run. Otherwise prints `SKIP: ...` and returns `Err`, except under
/// `CI=true`, where a missing prerequisite fails the test.
pub fn prerequisites(extra: &[(&str, &str)]) -> Result<(), ()> {
    let mut missing = Vec::new();
    if !crate::support::is_root() {
        missing.push("root (network namespaces)".to_string());
    }
    for (tool, package) in TOOLS.iter().chain(extra) {
        if !on_path(tool) {
            missing.push(format!("{tool} (Debian package {package})"));
        }
    }
    if missing.is_empty() {
        return Ok(());
    }
    let what = missing.join(", ");
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("NAT lab needs {what}; CI=true, so this is a failure (see .ci/apt-packages)");
    }
    println!("SKIP: NAT lab needs {what}");
    Err(())
}

/// Runs a command and returns its output; panics with stderr if it fails.
pub fn run(cmd: &mut Command) -> Output {
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

pub struct Lab {
    /// The namespaces are TAGc, TAGr, TAGp.
    pub tag: String,
    pub client: String,
    pub router: String,
    pub public: String,
    pub dir: tempfile::TempDir,
    daemons: Vec<(String, ChildGuard)>,
    created: Vec<String>,
}

impl Lab {
    /// Builds the three namespaces and their links; the router starts in mode "none".
    pub fn new() -> Lab {
        let tag = format!(
            "ps{:x}x{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst)
        );
        let mut lab = Lab {
            tag: tag.clone(),
            client: format!("{tag}c"),
            router: format!("{tag}r"),
            public: format!("{tag}p"),
            dir: tempfile::tempdir().expect("temp dir"),
            daemons: Vec::new(),
            created: Vec::new(),
        };
        lab.created.push(tag.clone());
        run(Command::new("bash").arg(lab_script()).args(["up", &tag]));
        lab
    }

    /// `tests/nat_lab/lab.sh CMD TAG ARGS...` for this lab.
    fn lab_sh(&self, cmd: &str, args: &[&str]) {
        run(Command::new("bash")
            .arg(lab_script())
            .args([cmd, &self.tag])
            .args(args));
    }

    fn ip(&self, ns: &str, args: &[&str]) {
        run(Command::new("ip").arg("-n").arg(ns).args(args));
    }

    /// A command inside namespace `ns`, not yet run.
    pub fn command(&self, ns: &str, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut cmd = Command::new("ip");
        cmd.args(["netns", "exec", ns]).arg(program);
        cmd
    }

    pub fn exec(&self, ns: &str, args: &[&str]) -> Output {
        let mut cmd = self.command(ns, args[0]);
        cmd.args(&args[1..]);
        run(&mut cmd)
    }

    /// Loads `tests/nat_lab/<mode>.nft` into the router.
    pub fn set_mode(&self, mode: &str) {
        let file = rules_dir().join(format!("{mode}.nft"));
        assert!(file.is_file(), "no ruleset {}", file.display());
        self.lab_sh("mode", &[mode]);
    }

    /// Random loss of `percent` % of the UDP packets the router forwards, each way (this kernel
    /// has no netem; nft's numgen does it). Load the mode first: a mode flushes the ruleset.
    pub fn set_loss(&self, percent: u32) {
        self.lab_sh("loss", &[&percent.to_string()]);
    }

    /// Makes the client IPv6-only: its IPv4 address and route go.
    pub fn client_ipv6_only(&self) {
        self.ip(&self.client, &["-4", "addr", "flush", "dev", "c0"]);
    }

    /// Names in the client's /etc/hosts (`ip netns exec` bind-mounts /etc/netns/NS/hosts).
    pub fn client_hosts(&self, lines: &str) {
        let dir = Path::new("/etc/netns").join(&self.client);
        std::fs::create_dir_all(&dir).expect("/etc/netns dir");
        std::fs::write(dir.join("hosts"), format!("127.0.0.1 localhost\n{lines}\n"))
            .expect("hosts");
    }

    /// Removes the client's default route: nothing outside its LAN is reachable.
    pub fn drop_client_route(&self) {
        self.ip(&self.client, &["route", "del", "default"]);
    }

    /// Starts a daemon inside `ns`; it is killed on drop.
    pub fn spawn(&mut self, name: &str, ns: &str, args: &[&str]) {
        let log =
            std::fs::File::create(self.dir.path().join(format!("{name}.out"))).expect("daemon log");
        let err = log.try_clone().expect("daemon log");
        let child = ChildGuard::spawn(
            self.command(ns, args[0])
                .args(&args[1..])
                .stdin(Stdio::null())
                .stdout(log)
                .stderr(err),
        );
        self.daemons.push((name.to_string(), child));
    }

    /// Waits until `ns` has UDP sockets bound on every `addr:port` given.
    pub fn wait_udp(&self, ns: &str, endpoints: &[String], what: &str) {
        wait_until(
            Duration::from_secs(10),
            &format!("{what} to bind {endpoints:?}"),
            || {
                let out = self.exec(ns, &["ss", "-Hlun"]);
                let text = String::from_utf8_lossy(&out.stdout).into_owned();
                if endpoints.iter().all(|e| text.contains(e.as_str())) {
                    Ok(())
                } else {
                    Err(format!("ss says:\n{text}\nlog: {}", self.log(what)))
                }
            },
        );
    }

    /// The output of a daemon started with [`Lab::spawn`].
    pub fn log(&self, name: &str) -> String {
        std::fs::read_to_string(self.dir.path().join(format!("{name}.out"))).unwrap_or_default()
    }

    /// coturn as an RFC 5780 STUN server on the primary and alternate address (ports 3478 and
    /// 3479 on each, IPv4 and IPv6), started by `lab.sh stun`.
    pub fn start_stun(&mut self) {
        let tag = self.tag.clone();
        let dir = path_str(self.dir.path());
        let script = path_str(&lab_script());
        let log = std::fs::File::create(self.dir.path().join("stun.out")).expect("daemon log");
        let err = log.try_clone().expect("daemon log");
        // lab.sh execs `ip netns exec`, which execs turnserver: the child is the daemon.
        let child = ChildGuard::spawn(
            Command::new("bash")
                .args([&script, "stun", &tag, &dir])
                .stdin(Stdio::null())
                .stdout(log)
                .stderr(err),
        );
        self.daemons.push(("stun".to_string(), child));
        let endpoints: Vec<String> = [STUN_PRIMARY, STUN_ALTERNATE]
            .iter()
            .flat_map(|ip| [format!("{ip}:3478"), format!("{ip}:3479")])
            .chain([
                "[2001:db8:2::2]:3478".to_string(),
                "[2001:db8:2::3]:3479".to_string(),
            ])
            .collect();
        self.wait_udp(&self.public.clone(), &endpoints, "stun");
    }

    /// coturn on one address without RFC 5780: answers binding requests, no OTHER-ADDRESS.
    pub fn start_plain_stun(&mut self) {
        self.start_coturn("plainstun", &[SPARE_PUBLIC], true);
        let endpoints = vec![format!("{SPARE_PUBLIC}:3478")];
        self.wait_udp(&self.public.clone(), &endpoints, "plainstun");
    }

    /// coturn as a TURN relay on the spare address, long-term credentials `peer:secret`.
    pub fn start_turn(&mut self) {
        let db = path_str(&self.dir.path().join("turndb"));
        let mut args = self.coturn_args("turn");
        args.extend(
            [
                "--userdb",
                &db,
                "--lt-cred-mech",
                "--user",
                "peer:secret",
                "--realm",
                "lab.test",
                "-L",
                SPARE_PUBLIC,
                "-p",
                "3478",
                "--relay-ip",
                SPARE_PUBLIC,
                "--min-port",
                "49152",
                "--max-port",
                "49200",
            ]
            .map(String::from),
        );
        let public = self.public.clone();
        self.spawn(
            "turn",
            &public,
            &args.iter().map(String::as_str).collect::<Vec<_>>(),
        );
        let endpoints = vec![format!("{SPARE_PUBLIC}:3478")];
        self.wait_udp(&public, &endpoints, "turn");
    }

    fn start_coturn(&mut self, name: &str, addrs: &[&str], no_rfc5780: bool) {
        let mut args = self.coturn_args(name);
        args.extend(["--stun-only", "-p", "3478"].map(String::from));
        for a in addrs {
            args.extend(["-L".to_owned(), a.to_string()]);
        }
        if no_rfc5780 {
            args.push("--no-rfc5780".to_owned());
        }
        let public = self.public.clone();
        self.spawn(
            name,
            &public,
            &args.iter().map(String::as_str).collect::<Vec<_>>(),
        );
    }

    /// The turnserver command line every coturn here starts with: an empty config file (Debian's
    /// /etc/turnserver.conf disables RFC 5780), no CLI or TLS, pid and log files in the lab folder.
    fn coturn_args(&self, name: &str) -> Vec<String> {
        let file = |ext: &str| path_str(&self.dir.path().join(format!("{name}.{ext}")));
        let conf = file("conf");
        std::fs::write(&conf, "").expect("coturn config");
        [
            "turnserver",
            "-c",
            &conf,
            "--no-cli",
            "--no-tls",
            "--no-dtls",
            "--pidfile",
            &file("pid"),
            "--log-file",
            &file("log"),
            "--simple-log",
            "--no-stdout-log",
        ]
        .map(String::from)
        .to_vec()
    }
}

impl Lab {
    /// miniupnpd in the router (UPnP-IGD, NAT-PMP and PCP) over the "upnp" ruleset. Its WAN
    /// address is reserved, so it would refuse to map; `ext_ip` gives it a public-looking label
    /// to report instead (no packet is ever sent to that label).
    pub fn start_miniupnpd(&mut self) {
        self.start_miniupnpd_on("r1", &format!("ext_ip={UPNP_LABEL}\n"));
    }

    /// miniupnpd as a carrier-grade NAT router: its WAN interface (`wan0`, no traffic
    /// goes through it) has 100.64.7.1/10, so it answers UPnP, NAT-PMP and PCP but refuses every
    /// mapping, as miniupnpd does on such a WAN.
    pub fn start_cgnat_miniupnpd(&mut self) {
        let r = self.router.clone();
        // No dummy module in this kernel: a veth pair that stays inside the router.
        self.ip(
            &r,
            &[
                "link", "add", "wan0", "type", "veth", "peer", "name", "wan0p",
            ],
        );
        self.ip(&r, &["addr", "add", "100.64.7.1/10", "dev", "wan0"]);
        self.ip(&r, &["link", "set", "wan0", "up"]);
        self.start_miniupnpd_on("wan0", "");
    }

    /// A carrier-grade NAT (namespace TAGn, `lab.sh carrier`) between the router and the
    /// public namespace: the router's WAN becomes 100.64.0.2/10 and its traffic leaves the carrier
    /// as 198.19.0.1. `fullcone`: any host reaches a UDP port the router has sent from.
    /// Call before starting daemons in the router or public namespace.
    pub fn add_carrier_nat(&self, fullcone: bool) {
        self.lab_sh("carrier", if fullcone { &["fullcone"] } else { &[] });
    }

    /// miniupnpd on the router's WAN `r1` learning its external address by STUN from the lab's
    /// STUN server (`ext_perform_stun`), as CGNAT customers' routers do. Start the STUN server
    /// first: miniupnpd asks it once at start-up.
    pub fn start_stun_miniupnpd(&mut self) {
        self.start_miniupnpd_on(
            "r1",
            &format!("ext_perform_stun=yes\next_stun_host={STUN_PRIMARY}\next_stun_port=3478\n"),
        );
    }

    fn start_miniupnpd_on(&mut self, ext_ifname: &str, ext_ip_line: &str) {
        self.set_mode("upnp");
        let conf = self.dir.path().join("miniupnpd.conf");
        let lease = self.dir.path().join("miniupnpd.leases");
        std::fs::write(
            &conf,
            format!(
                "ext_ifname={ext_ifname}\n\
                 listening_ip=r0\n\
                 {ext_ip_line}\
                 enable_natpmp=yes\n\
                 enable_upnp=yes\n\
                 secure_mode=yes\n\
                 system_uptime=yes\n\
                 lease_file={}\n\
                 uuid=3e2b58c3-8a9e-4c7a-9f35-6f1f2d7c0a11\n\
                 upnp_table_name=upnp\n\
                 upnp_nat_table_name=upnp\n\
                 upnp_forward_chain=miniupnpd\n\
                 upnp_nat_chain=prerouting_miniupnpd\n\
                 upnp_nat_postrouting_chain=postrouting_miniupnpd\n\
                 allow 1024-65535 198.18.1.0/24 1024-65535\n\
                 deny 0-65535 0.0.0.0/0 0-65535\n",
                path_str(&lease)
            ),
        )
        .expect("miniupnpd config");
        let pid = path_str(&self.dir.path().join("miniupnpd.pid"));
        let conf = path_str(&conf);
        let router = self.router.clone();
        self.spawn(
            "miniupnpd",
            &router,
            &["miniupnpd", "-f", &conf, "-d", "-P", &pid],
        );
        let endpoints = vec![format!("{ROUTER_LAN_IP}:5351"), ":1900".to_string()];
        self.wait_udp(&router, &endpoints, "miniupnpd");
    }

    /// Stops the daemon started as `name` with [`Lab::spawn`] (SIGKILL) and waits for it.
    pub fn stop_daemon(&mut self, name: &str) {
        let index = self
            .daemons
            .iter()
            .position(|(n, _)| n == name)
            .unwrap_or_else(|| panic!("no daemon {name}"));
        // Dropping the guard kills the daemon and waits for it.
        drop(self.daemons.remove(index));
    }

    /// The port forwards miniupnpd has installed in the router (`prerouting_miniupnpd`).
    pub fn upnp_rules(&self) -> String {
        let out = self.exec(
            &self.router,
            &[
                "nft",
                "list",
                "chain",
                "inet",
                "upnp",
                "prerouting_miniupnpd",
            ],
        );
        String::from_utf8_lossy(&out.stdout).to_string()
    }

    /// Runs `f` on a thread that has entered namespace `ns`; sockets it creates stay there.
    pub fn in_ns<T: Send + 'static>(&self, ns: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
        let path = format!("/var/run/netns/{ns}");
        std::thread::spawn(move || {
            let file = std::fs::File::open(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
            use std::os::fd::AsRawFd;
            // SAFETY: setns on a valid namespace fd; it changes only this thread's namespace.
            let rc = unsafe { libc::setns(file.as_raw_fd(), libc::CLONE_NEWNET) };
            assert_eq!(rc, 0, "setns {path}: {}", std::io::Error::last_os_error());
            f()
        })
        .join()
        .expect("namespace thread")
    }
}

/// What miniupnpd reports as its external address (see `start_miniupnpd`).
pub const UPNP_LABEL: &str = "11.22.33.44";

fn path_str(p: &Path) -> String {
    p.to_string_lossy().to_string()
}

/// The one definition of the lab.
pub fn lab_script() -> PathBuf {
    rules_dir().join("lab.sh")
}

/// `tests/nat_lab/`, where the router rulesets live.
pub fn rules_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/nat_lab")
}

impl Drop for Lab {
    fn drop(&mut self) {
        // The daemons (guards: killed and reaped) go before their namespaces.
        self.daemons.clear();
        for tag in &self.created {
            let _ = Command::new("bash")
                .arg(lab_script())
                .args(["down", tag])
                .status();
        }
    }
}
