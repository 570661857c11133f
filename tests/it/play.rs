//! `play` with a stand-in player that records its arguments and fetches what it was given,
//! and with mpv itself; M3U playlists of multi-file torrents.

use std::path::Path;
use std::process::Command;

use crate::support::swarm::{Seeder, loopback_flags, make_torrent};
use crate::support::*;

/// A player that writes its argv to `args.txt` and downloads every URL it gets with curl.
fn stand_in_player(dir: &Path) -> String {
    let script = dir.join("player.sh");
    std::fs::write(
        &script,
        r#"out="$(dirname "$0")"
printf '%s\n' "$@" > "$out/args.txt"
n=0
for a in "$@"; do
  case "$a" in
    --sub-file=*) curl -sf "${a#--sub-file=}" -o "$out/sub.out" || exit 3 ;;
    http://*) curl -sf "$a" -o "$out/video.out" || exit 4 ;;
  esac
done
"#,
    )
    .expect("player script");
    format!("sh {}", script.display())
}

#[test]
fn play_hands_the_stream_url_to_the_player_and_exits_with_it() {
    if !have_tool("curl") {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let player = stand_in_player(dir.path());
    peerstream(&dir.path().join("cache"))
        .args(["play", MOCK_HASH, "--player", &player, "--", "--volume=50"])
        .status()
        .map(|s| assert!(s.success(), "play failed: {s}"))
        .expect("run play");
    let args = std::fs::read_to_string(dir.path().join("args.txt")).expect("args");
    let lines: Vec<&str> = args.lines().collect();
    assert_eq!(lines.first(), Some(&"--volume=50"), "{args}");
    let url = lines.last().expect("url");
    assert!(
        url.starts_with("http://127.0.0.1:")
            && url.ends_with(&format!("/stream/proxy/{MOCK_HASH}")),
        "{url}"
    );
    assert_eq!(
        std::fs::read(dir.path().join("video.out")).expect("video"),
        mock_asset()
    );

    // The player's failure is play's failure.
    peerstream(&dir.path().join("cache"))
        .args(["play", MOCK_HASH, "--player", "false"])
        .status()
        .map(|s| assert_eq!(s.code(), Some(1)))
        .expect("run play");
}

#[test]
fn play_with_mpv_itself() {
    if !have_tool("mpv") {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let status = peerstream(dir.path())
        .args(["play", MOCK_HASH, "--player", "mpv", "--"])
        .args([
            "--no-config",
            "--really-quiet",
            "--vo=null",
            "--ao=null",
            "--frames=30",
            "--force-window=no",
        ])
        .status()
        .expect("run play");
    assert!(status.success());
}

#[test]
fn season_playlist_and_subtitles_from_the_swarm() {
    if !have_tool("curl") {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let season = dir.path().join("Season 1");
    std::fs::create_dir(&season).expect("folder");
    let video = mock_asset();
    let mut second = video.clone();
    second.extend_from_slice(&[0u8; 4096]); // a different size keeps the largest-video choice clear
    std::fs::write(season.join("e01.mp4"), &video).expect("e01");
    std::fs::write(
        season.join("e01.srt"),
        b"1\n00:00:01,000 --> 00:00:02,000\nHello\n",
    )
    .expect("srt");
    std::fs::write(season.join("e02.mp4"), &second).expect("e02");
    let torrent = make_torrent(&season, 64 * 1024, &[]);
    let seeder = Seeder::start(&torrent, &season, None);
    let flags = loopback_flags(&[seeder.addr], &[]);

    // The playlist lists both episodes, in torrent order, as absolute URLs.
    let cache = tempfile::tempdir().expect("tempdir");
    let server = Server::start(cache.path(), &flags);
    let m3u =
        reqwest::blocking::get(server.url(&format!("/stream/proxy/{}.m3u", torrent.info_hash)))
            .expect("m3u");
    assert_eq!(m3u.status(), 200);
    let text = m3u.text().expect("text");
    let urls: Vec<&str> = text.lines().filter(|l| l.starts_with("http://")).collect();
    assert!(text.starts_with("#EXTM3U"), "{text}");
    assert_eq!(urls.len(), 2, "{text}");
    let prefix = server.url(&format!("/stream/proxy/{}/", torrent.info_hash));
    let mut bodies = Vec::new();
    for url in &urls {
        assert!(url.starts_with(&prefix), "{url}");
        bodies.push(
            reqwest::blocking::get(*url)
                .and_then(|r| r.bytes())
                .expect("episode")
                .to_vec(),
        );
    }
    bodies.sort_by_key(Vec::len);
    assert_eq!(
        bodies,
        [video.clone(), second.clone()],
        "the playlist holds exactly the two episodes"
    );
    if have_tool("mpv") {
        let status = Command::new("mpv")
            .args(["--no-config", "--vo=null", "--ao=null", "--frames=30"])
            .arg(server.url(&format!("/stream/proxy/{}.m3u", torrent.info_hash)))
            .status()
            .expect("mpv");
        assert!(status.success());
    }
    drop(server);

    // play passes the subtitle file beside the video.
    let player = stand_in_player(dir.path());
    let status = peerstream(&dir.path().join("play-cache"))
        .args(["play", &torrent.info_hash, "--player", &player])
        .args(&flags)
        .status()
        .expect("run play");
    assert!(status.success());
    let args = std::fs::read_to_string(dir.path().join("args.txt")).expect("args");
    assert!(
        args.lines()
            .any(|l| l.starts_with("--sub-file=http://127.0.0.1:")),
        "{args}"
    );
    assert_eq!(
        std::fs::read(dir.path().join("sub.out")).expect("subtitle"),
        b"1\n00:00:01,000 --> 00:00:02,000\nHello\n"
    );
    assert_eq!(
        std::fs::read(dir.path().join("video.out")).expect("video"),
        second
    );
}

#[test]
fn sigterm_stops_play_and_its_player_with_exit_143() {
    let dir = tempfile::tempdir().expect("tempdir");
    let script = dir.path().join("player.sh");
    // A player that says it started (its pid), then plays "forever".
    std::fs::write(
        &script,
        "echo $$ > \"$(dirname \"$0\")/player.pid.tmp\"\nmv \"$(dirname \"$0\")/player.pid.tmp\" \"$(dirname \"$0\")/player.pid\"\nexec sleep 60\n",
    )
    .expect("player script");
    let child = peerstream(&dir.path().join("cache"))
        .args(["play", MOCK_HASH, "--player"])
        .arg(format!("sh {}", script.display()))
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run play");
    let pid_file = dir.path().join("player.pid");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !pid_file.exists() {
        assert!(
            std::time::Instant::now() < deadline,
            "the player never started"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let player: i32 = std::fs::read_to_string(&pid_file)
        .expect("pid")
        .trim()
        .parse()
        .expect("pid number");
    let pid = i32::try_from(child.id()).expect("pid");
    // SAFETY: kill(2) on the child this test started and has not reaped yet.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGTERM) }, 0);
    let started = std::time::Instant::now();
    let output = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(143), "{stderr}");
    assert!(stderr.contains("terminated"), "{stderr}");
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    // The player went with it (kill(pid, 0) fails once the process is gone and reaped).
    let gone = (0..50).any(|_| {
        std::thread::sleep(std::time::Duration::from_millis(100));
        // SAFETY: signal 0 only checks that the process exists.
        let alive = unsafe { libc::kill(player, 0) } == 0;
        !alive
    });
    assert!(gone, "the player {player} outlived play");
}

/// A season folder with a video large enough that librqbit's check of it on start-up takes a
/// moment, and its subtitle; seeded on loopback.
fn seeded_episode(dir: &Path) -> (String, Vec<u8>, crate::support::swarm::Seeder) {
    let folder = dir.join("Show");
    std::fs::create_dir(&folder).expect("folder");
    std::fs::write(folder.join("e01.mp4"), fake_mp4(24 * 1024 * 1024, 9)).expect("video");
    let srt = b"1\n00:00:01,000 --> 00:00:02,000\nRight after start-up\n".to_vec();
    std::fs::write(folder.join("e01.srt"), &srt).expect("srt");
    let torrent = make_torrent(&folder, 64 * 1024, &[]);
    let seeder = Seeder::start(&torrent, &folder, None);
    (torrent.info_hash, srt, seeder)
}

#[test]
fn play_gets_its_subtitle_right_after_start_up_with_stored_metadata() {
    if !have_tool("curl") {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let (hash, srt, seeder) = seeded_episode(dir.path());
    let flags = loopback_flags(&[seeder.addr], &[]);
    let cache = dir.path().join("cache");
    // The video only: its metadata is stored, the subtitle is not downloaded yet.
    let fetched = peerstream(&cache)
        .args(["fetch", &hash])
        .args(&flags)
        .output()
        .expect("fetch");
    assert!(fetched.status.success(), "{fetched:?}");
    // A fresh process: the subtitle request meets librqbit checking the video on disk.
    let player = stand_in_player(dir.path());
    let output = peerstream(&cache)
        .args(["play", &hash, "--player", &player])
        .args(&flags)
        .output()
        .expect("run play");
    assert!(
        output.status.success(),
        "play: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        std::fs::read(dir.path().join("sub.out")).expect("subtitle"),
        srt
    );
}

#[test]
fn subtitles_of_a_cached_torrent_are_served_without_p2p() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (hash, srt, seeder) = seeded_episode(dir.path());
    let cache = dir.path().join("cache");
    let fetched = peerstream(&cache)
        .args(["fetch", &hash, "--all"])
        .args(loopback_flags(&[seeder.addr], &[]))
        .output()
        .expect("fetch");
    assert!(fetched.status.success(), "{fetched:?}");
    drop(seeder);

    let server = Server::start(&cache, &["--no-p2p"]);
    let url = server.url(&format!("/stream/proxy/{hash}/1"));
    let response = reqwest::blocking::get(&url).expect("subtitle");
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "application/x-subrip",
        "{:?}",
        response.headers()
    );
    assert_eq!(response.bytes().expect("body").as_ref(), srt.as_slice());

    // Same length, other bytes: no longer the verified file, so not served.
    let on_disk = cache.join(&hash).join("e01.srt");
    let mut changed = srt.clone();
    changed[0] = b'2';
    std::thread::sleep(std::time::Duration::from_millis(20));
    std::fs::write(&on_disk, &changed).expect("change the subtitle");
    let response = reqwest::blocking::get(&url).expect("subtitle");
    assert_eq!(response.status().as_u16(), 404);
}
