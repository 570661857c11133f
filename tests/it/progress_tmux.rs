//! The progress bar as a person sees it: `fetch` in a real terminal (tmux), and no bar when
//! stderr is not a terminal.

use std::process::Command;
use std::time::Duration;

use crate::support::swarm::{Seeder, make_torrent, payload};
use crate::support::*;

const MIB: usize = 1024 * 1024;

fn tmux(args: &[&str]) -> String {
    let out = Command::new("tmux").args(args).output().expect("tmux");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Ends the tmux session on drop.
struct Session(String);

impl Drop for Session {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["kill-session", "-t", &self.0])
            .output();
    }
}

#[test]
fn fetch_shows_a_progress_bar_in_a_terminal_and_none_otherwise() {
    if !have_tool("tmux") {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let content = dir.path().join("seed");
    std::fs::create_dir(&content).expect("seed dir");
    std::fs::write(content.join("show.mp4"), payload(24 * MIB, 31)).expect("payload");
    let torrent = make_torrent(&content.join("show.mp4"), 256 * 1024, &[]);
    // About four seconds of download: long enough to see the bar move.
    let seeder = Seeder::start(&torrent, &content, Some(6 * MIB as u32));

    let fetch = |cache: &str, redirect: &str| {
        format!(
            "{BIN} --cache-dir {cache} fetch {} --no-dht --no-trackers --no-nat --port 0 --peer {} {redirect}; sleep 60",
            torrent.info_hash, seeder.addr
        )
    };
    let name = format!("peerstream-test-{}", std::process::id());
    let cache = dir.path().join("cache");
    let _session = Session(name.clone());
    tmux(&[
        "new-session",
        "-d",
        "-s",
        &name,
        "-x",
        "160",
        "-y",
        "20",
        &fetch(&cache.to_string_lossy(), ""),
    ]);
    let mut bar = None;
    let final_screen = wait_until(Duration::from_secs(60), "fetch to finish", || {
        let screen = tmux(&["capture-pane", "-p", "-t", &name]);
        // The bar while data flows: a peer connected and a speed measured.
        if let Some(line) = screen
            .lines()
            .find(|l| l.contains("ETA") && l.contains("1 peer(s)") && !l.contains(" 0 B/s"))
        {
            bar = Some(line.to_owned());
        }
        if screen.contains(&format!("{}/show.mp4", torrent.info_hash)) {
            Ok(screen)
        } else {
            Err(format!("screen:\n{screen}"))
        }
    });
    let bar = bar.expect("a progress bar was on screen");
    eprintln!("progress line: {bar}");
    assert!(bar.contains("MiB"), "bytes in {bar:?}");
    assert!(bar.contains("/s"), "speed in {bar:?}");
    assert!(bar.contains("1 peer(s)"), "peers in {bar:?}");
    assert!(bar.contains('%'), "percent in {bar:?}");
    // The bar (named after the torrent) may still be on screen; the path is its own line.
    let path_suffix = format!("{}/show.mp4", torrent.info_hash);
    let last = final_screen
        .lines()
        .find(|l| l.trim_end().ends_with(&path_suffix))
        .expect("path line");
    assert!(
        last.starts_with(&*cache.to_string_lossy()),
        "the cached path, alone on its line: {last:?}"
    );

    // With stderr going to a file there is no bar.
    let quiet_cache = dir.path().join("cache2");
    let errors = dir.path().join("stderr.txt");
    let name2 = format!("{name}-2");
    let _session2 = Session(name2.clone());
    tmux(&[
        "new-session",
        "-d",
        "-s",
        &name2,
        "-x",
        "160",
        "-y",
        "20",
        &fetch(
            &quiet_cache.to_string_lossy(),
            &format!("2>{}", errors.display()),
        ),
    ]);
    let screen = wait_until(
        Duration::from_secs(60),
        "the second fetch to finish",
        || {
            let screen = tmux(&["capture-pane", "-p", "-t", &name2]);
            if screen.contains(&format!("{}/show.mp4", torrent.info_hash)) {
                Ok(screen)
            } else {
                Err(format!("screen:\n{screen}"))
            }
        },
    );
    assert!(!screen.contains("ETA"), "a bar on screen:\n{screen}");
    let stderr = std::fs::read_to_string(&errors).expect("stderr file");
    assert!(
        !stderr.contains("ETA") && !stderr.contains('\r'),
        "bar drawn into a file: {stderr}"
    );
}
