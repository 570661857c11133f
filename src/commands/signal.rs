//! The one place that listens for Ctrl-C and SIGTERM: every command that stops cleanly on them
//! asks here and learns which one arrived.

use crate::exit::{CliError, ExitCode};

/// The signal that asked the process to stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// Ctrl-C (SIGINT).
    Interrupt,
    /// SIGTERM (`kill`, systemd, container runtimes).
    Terminate,
}

impl Stop {
    pub fn exit_code(self) -> ExitCode {
        match self {
            Stop::Interrupt => ExitCode::Interrupted,
            Stop::Terminate => ExitCode::Terminated,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Stop::Interrupt => "interrupted",
            Stop::Terminate => "terminated",
        }
    }

    /// The error a command ends with: `<name>` and what to do next, with the matching code.
    pub fn error(self, next: &str) -> CliError {
        let message = if next.is_empty() {
            self.name().to_owned()
        } else {
            format!("{}; {next}", self.name())
        };
        CliError::new(self.exit_code(), message)
    }
}

/// Listeners for both signals, installed when this is created: a signal that arrives while the
/// command is between two waits is still seen by the next [`StopSignals::recv`].
pub struct StopSignals {
    #[cfg(unix)]
    interrupt: Option<tokio::signal::unix::Signal>,
    #[cfg(unix)]
    terminate: Option<tokio::signal::unix::Signal>,
}

impl StopSignals {
    /// Must be called inside the Tokio runtime.
    pub fn install() -> Self {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let listen = |kind: SignalKind, name: &str| {
                signal(kind)
                    .inspect_err(|e| tracing::warn!("cannot listen for {name}: {e}"))
                    .ok()
            };
            StopSignals {
                interrupt: listen(SignalKind::interrupt(), "Ctrl-C"),
                terminate: listen(SignalKind::terminate(), "SIGTERM"),
            }
        }
        #[cfg(not(unix))]
        StopSignals {}
    }

    /// Waits for the next Ctrl-C or SIGTERM. A signal whose listener could not be installed
    /// is never reported (its default action still applies).
    pub async fn recv(&mut self) -> Stop {
        #[cfg(unix)]
        {
            async fn next(signal: Option<&mut tokio::signal::unix::Signal>) {
                let received = match signal {
                    Some(s) => s.recv().await.is_some(),
                    None => false,
                };
                if !received {
                    std::future::pending::<()>().await;
                }
            }
            tokio::select! {
                () = next(self.interrupt.as_mut()) => Stop::Interrupt,
                () = next(self.terminate.as_mut()) => Stop::Terminate,
            }
        }
        #[cfg(not(unix))]
        {
            if tokio::signal::ctrl_c().await.is_err() {
                std::future::pending::<()>().await;
            }
            Stop::Interrupt
        }
    }
}

/// Installs the listeners now and resolves on the first Ctrl-C or SIGTERM.
pub fn stop_signal() -> impl std::future::Future<Output = Stop> + Send + 'static {
    let mut signals = StopSignals::install();
    async move { signals.recv().await }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[tokio::test]
    async fn reports_which_signal_arrived() {
        let mut signals = StopSignals::install();
        // SAFETY: raise() only sends a signal to this process; a listener is installed above,
        // so the default action (termination) does not run.
        assert_eq!(unsafe { libc::raise(libc::SIGTERM) }, 0);
        let stop = tokio::time::timeout(std::time::Duration::from_secs(5), signals.recv())
            .await
            .expect("SIGTERM was not reported");
        assert_eq!(stop, Stop::Terminate);
        assert_eq!(stop.exit_code().code(), 143);
        assert_eq!(Stop::Interrupt.exit_code().code(), 130);
    }
}
