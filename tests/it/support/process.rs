//! Child processes the tests start, waiting for something to happen, and the ports children
//! listen on.

#![allow(dead_code)]

use std::fmt::Display;
use std::ops::{Deref, DerefMut};
use std::process::{Child, Command, ExitStatus, Output};
use std::time::{Duration, Instant};

/// How often [`wait_until`] asks again.
const POLL: Duration = Duration::from_millis(50);

/// Calls `probe` every 50 ms until it returns `Ok`, for at most `limit`. On timeout it panics
/// naming `what` and the last `Err` (what the probe saw), so a failure says where it stood.
pub fn wait_until<T, E: Display>(
    limit: Duration,
    what: &str,
    probe: impl FnMut() -> Result<T, E>,
) -> T {
    match poll_until(limit, probe) {
        Ok(value) => value,
        Err(last) => panic!("timed out after {limit:?} waiting for {what}; last seen: {last}"),
    }
}

/// [`wait_until`] without the panic: the last `Err` when `limit` passes, for tests that assert
/// on it themselves.
// Hand-written: a deadline loop is shorter than setting up a retry crate.
pub fn poll_until<T, E>(limit: Duration, mut probe: impl FnMut() -> Result<T, E>) -> Result<T, E> {
    let deadline = Instant::now() + limit;
    loop {
        match probe() {
            Ok(value) => return Ok(value),
            Err(last) if Instant::now() >= deadline => return Err(last),
            Err(_) => std::thread::sleep(POLL),
        }
    }
}

/// A child process that is killed and reaped when dropped, so a failing test leaves nothing
/// running. Derefs to the [`Child`] for its pipes, `id()`, `kill()` and `try_wait()`.
pub struct ChildGuard(Option<Child>);

impl ChildGuard {
    /// Spawns `cmd`; panics with the command line if it cannot start.
    pub fn spawn(cmd: &mut Command) -> ChildGuard {
        let child = cmd.spawn().unwrap_or_else(|e| panic!("start {cmd:?}: {e}"));
        ChildGuard(Some(child))
    }

    pub fn new(child: Child) -> ChildGuard {
        ChildGuard(Some(child))
    }

    /// Sends `signal` (e.g. `libc::SIGTERM`) to the child.
    pub fn signal(&self, signal: libc::c_int) {
        let pid = libc::pid_t::try_from(self.id()).expect("pid");
        // SAFETY: signals the child this guard owns; it is reaped only by the guard, so the pid
        // is still ours.
        assert_eq!(
            unsafe { libc::kill(pid, signal) },
            0,
            "kill({pid}, {signal}): {}",
            std::io::Error::last_os_error()
        );
    }

    /// The exit status once the child has exited, waiting at most `limit`; `None` if it still
    /// runs.
    pub fn exit_within(&mut self, limit: Duration) -> Option<ExitStatus> {
        poll_until(limit, || match self.try_wait().expect("try_wait") {
            Some(status) => Ok(status),
            None => Err(()),
        })
        .ok()
    }

    /// Like [`ChildGuard::exit_within`], but a child still running after `limit` fails the test
    /// (and is killed by the guard).
    pub fn wait_within(&mut self, limit: Duration, what: &str) -> ExitStatus {
        self.exit_within(limit)
            .unwrap_or_else(|| panic!("{what} did not exit within {limit:?}"))
    }

    /// Waits at most `limit`, kills the child if it still runs, and returns its status and
    /// piped output.
    pub fn output_within(mut self, limit: Duration) -> Output {
        if self.exit_within(limit).is_none() {
            let _ = self.kill();
        }
        self.into_inner().wait_with_output().expect("output")
    }

    /// The child, no longer killed on drop.
    pub fn into_inner(mut self) -> Child {
        self.0.take().expect("child present until dropped")
    }
}

impl Deref for ChildGuard {
    type Target = Child;
    fn deref(&self) -> &Child {
        self.0.as_ref().expect("child present until dropped")
    }
}

impl DerefMut for ChildGuard {
    fn deref_mut(&mut self) -> &mut Child {
        self.0.as_mut().expect("child present until dropped")
    }
}

impl Drop for ChildGuard {
    fn drop(&mut self) {
        if let Some(mut child) = self.0.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// TCP ports process `pid` listens on, as `ss` reports them. For tools that take a port number
/// but no socket: they bind port 0 and the test reads back what the kernel chose, which cannot
/// collide with another test (a port picked here and released before the tool binds it could).
pub fn tcp_listen_ports(pid: u32) -> Vec<u16> {
    let out = Command::new("ss")
        .args(["-Htlnp"])
        .output()
        .expect("ss -Htlnp");
    let owner = format!("pid={pid},");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.contains(&owner))
        .filter_map(|l| l.split_whitespace().nth(3))
        .filter_map(|local| local.rsplit_once(':'))
        .filter_map(|(_, port)| port.parse().ok())
        .collect()
}

/// Waits until process `pid` listens on exactly one TCP port and returns it.
pub fn wait_for_tcp_listener(pid: u32, what: &str) -> u16 {
    wait_until(Duration::from_secs(10), what, || {
        match tcp_listen_ports(pid).as_slice() {
            [port] => Ok(*port),
            other => Err(format!("TCP listening ports of pid {pid}: {other:?}")),
        }
    })
}

#[test]
fn child_guard_kills_and_reaps_its_child_on_drop() {
    let guard = ChildGuard::spawn(Command::new("sleep").arg("60"));
    let proc_entry = format!("/proc/{}", guard.id());
    assert!(std::path::Path::new(&proc_entry).exists());
    drop(guard);
    // A killed but unreaped child (a zombie) would still have its /proc entry.
    assert!(!std::path::Path::new(&proc_entry).exists());
}

#[test]
fn wait_until_polls_until_ok_and_poll_until_returns_the_last_observation() {
    let mut calls = 0;
    let value = wait_until(Duration::from_secs(5), "the third call", || {
        calls += 1;
        if calls == 3 {
            Ok(calls * 10)
        } else {
            Err(calls)
        }
    });
    assert_eq!(value, 30);
    let started = Instant::now();
    let mut seen = 0;
    let outcome = poll_until(Duration::from_millis(200), || {
        seen += 1;
        Err::<(), _>(seen)
    });
    assert!(started.elapsed() >= Duration::from_millis(200));
    assert_eq!(outcome, Err(seen));
}

#[test]
#[should_panic(expected = "waiting for the impossible; last seen: 7")]
fn wait_until_names_what_it_waited_for_on_timeout() {
    wait_until(Duration::from_millis(100), "the impossible", || {
        Err::<(), _>(7)
    });
}

#[test]
fn tcp_listen_ports_reads_back_the_port_the_kernel_chose() {
    if !super::have_tool("ss") {
        return;
    }
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    assert!(
        tcp_listen_ports(std::process::id()).contains(&port),
        "{port} not in {:?}",
        tcp_listen_ports(std::process::id())
    );
}
