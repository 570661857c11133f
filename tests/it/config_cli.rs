//! `config show` and `config init` through the real binary: the layers (default < file < env
//! < flag), the origin of every value, and the default file written by `config init`.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output};

use crate::support::{BIN, isolate};
use serde_json::Value;

/// `peerstream` with no user config and none of the test harness's env defaults, so every
/// value starts at its built-in default. `XDG_CONFIG_HOME` points into `home`.
fn clean(home: &Path) -> Command {
    let mut cmd = Command::new(BIN);
    isolate(&mut cmd);
    for key in [
        "PEERSTREAM_NO_DHT",
        "PEERSTREAM_NO_TRACKERS",
        "PEERSTREAM_NO_NAT",
    ] {
        cmd.env_remove(key);
    }
    cmd.env("XDG_CONFIG_HOME", home);
    cmd
}

fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("run peerstream")
}

fn ok(cmd: &mut Command) -> String {
    let out = run(cmd);
    assert!(
        out.status.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 stdout")
}

fn show_json(cmd: &mut Command) -> Value {
    show_json_with(cmd, &[])
}

/// `config show --json` followed by `extra` flags.
fn show_json_with(cmd: &mut Command, extra: &[&str]) -> Value {
    let text = ok(cmd.args(["config", "show", "--json"]).args(extra));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}):\n{text}"))
}

fn setting<'a>(doc: &'a Value, key: &str) -> &'a Value {
    let entry = &doc["settings"][key];
    assert!(entry.is_object(), "no setting {key} in {doc:#}");
    entry
}

fn origin(doc: &Value, key: &str) -> String {
    setting(doc, key)["origin"]
        .as_str()
        .expect("origin is a string")
        .to_owned()
}

#[test]
fn defaults_without_a_file() {
    let home = tempfile::tempdir().expect("tempdir");
    let doc = show_json(&mut clean(home.path()));
    let file = &doc["config_file"];
    assert_eq!(file["loaded"], false);
    assert_eq!(file["origin"], "default");
    let expected_path = home.path().join("peerstream").join("config.toml");
    assert_eq!(file["path"], expected_path.display().to_string());

    let settings = doc["settings"].as_object().expect("settings object");
    for (key, entry) in settings {
        assert_eq!(entry["origin"], "default", "{key}: {entry}");
        assert_eq!(entry["via"], Value::Null, "{key}: {entry}");
    }
    assert_eq!(setting(&doc, "cache_dir")["value"], "./temp");
    assert_eq!(setting(&doc, "color")["value"], "auto");
    assert_eq!(setting(&doc, "serve.bind")["value"], "127.0.0.1:8787");
    assert_eq!(setting(&doc, "serve.token")["value"], Value::Null);
    assert_eq!(setting(&doc, "serve.p2p")["value"], true);
    assert_eq!(setting(&doc, "p2p.listen_port")["value"], 6881);
    assert_eq!(setting(&doc, "p2p.dht")["value"], true);
    assert!(
        setting(&doc, "p2p.trackers")["value"]
            .as_array()
            .is_some_and(|t| !t.is_empty()),
        "built-in trackers"
    );
    assert_eq!(setting(&doc, "p2p.metadata_timeout")["value"], 60);
    assert_eq!(setting(&doc, "nat.enabled")["value"], true);
}

#[test]
fn env_beats_file_and_flag_beats_env() {
    let home = tempfile::tempdir().expect("tempdir");
    let config = home.path().join("layers.toml");
    std::fs::write(
        &config,
        "cache_dir = \"/from/file\"\ncolor = \"always\"\n\
         [p2p]\nlisten_port = 1000\nmetadata_timeout_secs = 11\ntrackers = [\"http://file.example/announce\"]\n\
         [nat]\nbudget_secs = 9\nmap_port = false\n",
    )
    .expect("write config");

    // File only.
    let doc = show_json(clean(home.path()).arg("--config").arg(&config));
    assert_eq!(doc["config_file"]["loaded"], true);
    assert_eq!(doc["config_file"]["origin"], "flag");
    assert_eq!(doc["config_file"]["via"], "--config");
    assert_eq!(setting(&doc, "p2p.listen_port")["value"], 1000);
    assert_eq!(origin(&doc, "p2p.listen_port"), "file");
    assert_eq!(
        setting(&doc, "p2p.listen_port")["via"],
        config.display().to_string()
    );
    assert_eq!(origin(&doc, "cache_dir"), "file");
    assert_eq!(origin(&doc, "nat.map_port"), "file");
    assert_eq!(setting(&doc, "nat.map_port")["value"], false);
    assert_eq!(origin(&doc, "p2p.stall_timeout"), "default");

    // Env over file.
    let doc = show_json(
        clean(home.path())
            .env("PEERSTREAM_CONFIG", &config)
            .env("PEERSTREAM_PORT", "2000")
            .env("PEERSTREAM_CACHE_DIR", "/from/env")
            .env(
                "PEERSTREAM_TRACKERS",
                "http://a.example/announce,http://b.example/announce",
            )
            .env("PEERSTREAM_NO_NAT", "true"),
    );
    assert_eq!(doc["config_file"]["origin"], "env");
    assert_eq!(doc["config_file"]["via"], "PEERSTREAM_CONFIG");
    assert_eq!(setting(&doc, "p2p.listen_port")["value"], 2000);
    assert_eq!(origin(&doc, "p2p.listen_port"), "env");
    assert_eq!(setting(&doc, "p2p.listen_port")["via"], "PEERSTREAM_PORT");
    assert_eq!(setting(&doc, "cache_dir")["value"], "/from/env");
    assert_eq!(origin(&doc, "cache_dir"), "env");
    assert_eq!(
        setting(&doc, "p2p.trackers")["value"],
        serde_json::json!(["http://a.example/announce", "http://b.example/announce"])
    );
    assert_eq!(origin(&doc, "p2p.trackers"), "env");
    assert_eq!(setting(&doc, "nat.enabled")["value"], false);
    assert_eq!(setting(&doc, "nat.enabled")["via"], "PEERSTREAM_NO_NAT");
    assert_eq!(origin(&doc, "p2p.metadata_timeout"), "file");
    assert_eq!(origin(&doc, "color"), "file");

    // Flags over env, global flags after the subcommand too.
    let doc = show_json_with(
        clean(home.path())
            .env("PEERSTREAM_CONFIG", &config)
            .env("PEERSTREAM_PORT", "2000")
            .env("PEERSTREAM_CACHE_DIR", "/from/env")
            .env("PEERSTREAM_COLOR", "never"),
        &[
            "--port",
            "3000",
            "--cache-dir",
            "/from/flag",
            "--no-trackers",
            "--nat-budget",
            "2",
            "--bind",
            "127.0.0.1:9999",
            "--no-p2p",
            "--pause-idle",
        ],
    );
    assert_eq!(setting(&doc, "p2p.listen_port")["value"], 3000);
    assert_eq!(origin(&doc, "p2p.listen_port"), "flag");
    assert_eq!(setting(&doc, "p2p.listen_port")["via"], "--port");
    assert_eq!(setting(&doc, "cache_dir")["value"], "/from/flag");
    assert_eq!(setting(&doc, "cache_dir")["via"], "--cache-dir");
    assert_eq!(setting(&doc, "color")["value"], "never");
    assert_eq!(origin(&doc, "color"), "env");
    assert_eq!(
        setting(&doc, "p2p.trackers")["value"],
        serde_json::json!([])
    );
    assert_eq!(setting(&doc, "p2p.trackers")["via"], "--no-trackers");
    assert_eq!(setting(&doc, "nat.budget")["value"], 2);
    assert_eq!(origin(&doc, "nat.budget"), "flag");
    assert_eq!(setting(&doc, "serve.bind")["value"], "127.0.0.1:9999");
    assert_eq!(origin(&doc, "serve.bind"), "flag");
    assert_eq!(setting(&doc, "serve.p2p")["value"], false);
    assert_eq!(setting(&doc, "serve.p2p")["via"], "--no-p2p");
    assert_eq!(setting(&doc, "p2p.keep_downloading")["value"], false);
    assert_eq!(setting(&doc, "p2p.keep_downloading")["via"], "--pause-idle");
}

#[test]
fn human_output_names_each_origin() {
    let home = tempfile::tempdir().expect("tempdir");
    let config = home.path().join("c.toml");
    std::fs::write(&config, "[serve]\ntoken = \"s3cret\"\n[p2p]\nlsd = true\n").expect("write");
    let text = ok(clean(home.path())
        .arg("--config")
        .arg(&config)
        .env("PEERSTREAM_PORT", "2000")
        .args(["config", "show", "--stall-timeout", "7"]));
    let line = |key: &str| {
        text.lines()
            .find(|l| l.starts_with(&format!("{key} = ")))
            .unwrap_or_else(|| panic!("no {key} line in:\n{text}"))
            .to_owned()
    };
    assert!(text.starts_with("# config file: "), "{text}");
    assert!(text.contains(&config.display().to_string()), "{text}");
    assert!(
        line("listen_port").contains("# env PEERSTREAM_PORT"),
        "{text}"
    );
    assert!(
        line("stall_timeout").contains("# flag --stall-timeout"),
        "{text}"
    );
    assert!(
        line("lsd").contains("= true") && line("lsd").contains("# file"),
        "{text}"
    );
    assert!(line("bind").contains("# default"), "{text}");
    assert!(
        text.contains("\n[serve]\n") && text.contains("\n[nat]\n"),
        "{text}"
    );
    assert!(!text.contains("s3cret"), "the token is shown:\n{text}");
    assert!(line("token").contains("(hidden)"), "{text}");

    let shown = ok(clean(home.path()).arg("--config").arg(&config).args([
        "config",
        "show",
        "--show-secrets",
    ]));
    assert!(shown.contains("token = \"s3cret\""), "{shown}");
}

/// Keys that a config file may hold, as the parser's unknown-field error lists them.
fn accepted_keys(home: &Path, section: Option<&str>) -> BTreeSet<String> {
    let path = home.join("unknown.toml");
    let text = match section {
        Some(table) => format!("[{table}]\nno_such_key = 1\n"),
        None => "no_such_key = 1\n".to_owned(),
    };
    std::fs::write(&path, text).expect("write");
    let out = run(clean(home)
        .arg("--config")
        .arg(&path)
        .args(["config", "show"]));
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("no_such_key"),
        "the key is not named: {stderr}"
    );
    assert!(
        stderr.contains("unknown.toml"),
        "the file is not named: {stderr}"
    );
    let list = stderr
        .split("expected one of")
        .nth(1)
        .unwrap_or_else(|| panic!("no list of keys in: {stderr}"))
        .lines()
        .next()
        .unwrap_or_default();
    list.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

/// Every key the config file accepts is shown by `config show`, and nothing else.
#[test]
fn config_show_covers_every_file_key() {
    let home = tempfile::tempdir().expect("tempdir");
    let doc = show_json(&mut clean(home.path()));
    let shown: BTreeSet<String> = doc["settings"]
        .as_object()
        .expect("settings")
        .keys()
        .cloned()
        .collect();

    let mut accepted = BTreeSet::new();
    let sections: Vec<String> = accepted_keys(home.path(), None).into_iter().collect();
    for key in &sections {
        if ["cache", "serve", "p2p", "nat"].contains(&key.as_str()) {
            for sub in accepted_keys(home.path(), Some(key)) {
                accepted.insert(format!("{key}.{sub}"));
            }
        } else {
            accepted.insert(key.clone());
        }
    }
    assert!(accepted.contains("p2p.listen_port"), "{accepted:?}");
    assert_eq!(
        shown, accepted,
        "config show and the config file disagree on the keys"
    );
}

/// Removes the `# ` before every commented-out `key = value` line.
fn uncomment(text: &str) -> String {
    text.lines()
        .map(|line| match line.strip_prefix("# ") {
            Some(rest)
                if rest.split_once(" = ").is_some_and(|(key, _)| {
                    !key.is_empty()
                        && key
                            .chars()
                            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                }) =>
            {
                rest
            }
            _ => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn init_writes_a_file_that_is_accepted() {
    let home = tempfile::tempdir().expect("tempdir");
    let path = home.path().join("sub").join("peerstream.toml");
    let stdout = ok(clean(home.path()).args(["config", "init"]).arg(&path));
    assert_eq!(stdout.trim(), path.display().to_string());
    let text = std::fs::read_to_string(&path).expect("config init wrote the file");
    assert!(text.starts_with("# peerstream configuration"), "{text}");

    // As written: accepted, and nothing changes.
    let doc = show_json(clean(home.path()).arg("--config").arg(&path));
    assert_eq!(doc["config_file"]["loaded"], true);
    for (key, entry) in doc["settings"].as_object().expect("settings") {
        assert_eq!(entry["origin"], "default", "{key}: {entry}");
    }
    let defaults = show_json(&mut clean(home.path()));

    // Every key uncommented: still accepted, every key now from the file, same values.
    let all = home.path().join("all.toml");
    std::fs::write(&all, uncomment(&text)).expect("write");
    let doc = show_json(clean(home.path()).arg("--config").arg(&all));
    let settings = doc["settings"].as_object().expect("settings");
    for (key, entry) in settings {
        assert_eq!(
            entry["origin"], "file",
            "{key} is not in the default file: {entry}"
        );
        if key != "serve.token" {
            assert_eq!(
                entry["value"], defaults["settings"][key]["value"],
                "{key}: the default file's value differs from the built-in default"
            );
        }
    }
}

#[test]
fn init_refuses_to_overwrite_without_force() {
    let home = tempfile::tempdir().expect("tempdir");
    let path = home.path().join("config.toml");
    std::fs::write(&path, "color = \"never\"\n").expect("write");
    let out = run(clean(home.path()).args(["config", "init"]).arg(&path));
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--force"), "{stderr}");
    assert!(out.stdout.is_empty());
    assert_eq!(
        std::fs::read_to_string(&path).expect("read"),
        "color = \"never\"\n"
    );

    ok(clean(home.path())
        .args(["config", "init", "--force"])
        .arg(&path));
    let text = std::fs::read_to_string(&path).expect("read");
    assert!(text.starts_with("# peerstream configuration"), "{text}");
}

/// Without a path, `config init` writes the platform config file, and `config show` then
/// reads it from there without `--config`.
#[test]
fn init_default_path_is_picked_up() {
    let home = tempfile::tempdir().expect("tempdir");
    let expected = home.path().join("peerstream").join("config.toml");
    let stdout = ok(clean(home.path()).args(["-q", "config", "init"]));
    assert_eq!(stdout.trim(), expected.display().to_string());
    assert!(expected.is_file());

    std::fs::write(&expected, "[p2p]\nlisten_port = 4242\n").expect("write");
    let doc = show_json(&mut clean(home.path()));
    assert_eq!(doc["config_file"]["loaded"], true);
    assert_eq!(doc["config_file"]["origin"], "default");
    assert_eq!(doc["config_file"]["path"], expected.display().to_string());
    assert_eq!(setting(&doc, "p2p.listen_port")["value"], 4242);
    assert_eq!(origin(&doc, "p2p.listen_port"), "file");
}

/// The harness's own env defaults show up as env values, which is how a user would see them.
#[test]
fn boolean_env_flags_show_as_env() {
    let home = tempfile::tempdir().expect("tempdir");
    let mut cmd = Command::new(BIN);
    isolate(&mut cmd);
    cmd.env("XDG_CONFIG_HOME", home.path());
    let doc = show_json(&mut cmd);
    assert_eq!(setting(&doc, "p2p.dht")["value"], false);
    assert_eq!(setting(&doc, "p2p.dht")["via"], "PEERSTREAM_NO_DHT");
    assert_eq!(origin(&doc, "p2p.dht"), "env");

    // A false value of a negative variable turns the setting on, from the env layer.
    let doc = show_json(clean(home.path()).env("PEERSTREAM_NO_DHT", "false"));
    assert_eq!(setting(&doc, "p2p.dht")["value"], true);
    assert_eq!(origin(&doc, "p2p.dht"), "env");
}

/// Every switch of the settings table turns on and off from each layer, and the last layer
/// wins both ways: the file over the default, env over the file, a flag over env (its
/// positive form, its negative form, and `--flag=false`), the later of two flags.
#[test]
fn every_switch_turns_both_ways_in_every_layer() {
    use peerstream::config::{Shape, TABLE};
    let home = tempfile::tempdir().expect("tempdir");
    let switches: Vec<_> = TABLE.iter().filter(|s| s.shape == Shape::Switch).collect();
    assert!(switches.len() >= 7, "{switches:?}");
    for s in switches {
        let key = s.key;
        let (section, name) = s.section_and_name();
        let default = (s.default)()
            .and_then(|v| v.as_bool())
            .expect("a switch has a default");
        let check = |doc: &Value, value: bool, layer: &str, via: Option<&str>, why: &str| {
            let entry = setting(doc, key);
            assert_eq!(entry["value"], value, "{key} {why}: {entry}");
            assert_eq!(entry["origin"], layer, "{key} {why}: {entry}");
            if let Some(via) = via {
                assert_eq!(entry["via"], via, "{key} {why}: {entry}");
            }
        };
        for wanted in [true, false] {
            // File.
            let file = home.path().join(format!("{name}-{wanted}.toml"));
            let text = if section.is_empty() {
                format!("{name} = {wanted}\n")
            } else {
                format!("[{section}]\n{name} = {wanted}\n")
            };
            std::fs::write(&file, text).expect("write");
            let doc = show_json(clean(home.path()).arg("--config").arg(&file));
            check(&doc, wanted, "file", None, "from the file");

            // Env over the file that says the opposite.
            let opposite = home.path().join(format!("{name}-not-{wanted}.toml"));
            let text = if section.is_empty() {
                format!("{name} = {}\n", !wanted)
            } else {
                format!("[{section}]\n{name} = {}\n", !wanted)
            };
            std::fs::write(&opposite, text).expect("write");
            let env = s.env.expect("every switch has a variable");
            let doc = show_json(
                clean(home.path())
                    .arg("--config")
                    .arg(&opposite)
                    .env(env, wanted.to_string()),
            );
            check(
                &doc,
                wanted,
                "env",
                Some(env),
                "from its variable over the file",
            );
            if let Some(negative_env) = s.negative_env {
                let doc = show_json(
                    clean(home.path())
                        .arg("--config")
                        .arg(&opposite)
                        .env(negative_env, (!wanted).to_string()),
                );
                check(
                    &doc,
                    wanted,
                    "env",
                    Some(negative_env),
                    "from its negative variable",
                );
            }

            // A flag over env that says the opposite.
            let long = s.flag.expect("a switch has a flag");
            let negative = s.negative.expect("a switch has a negative flag");
            let flag = if wanted {
                format!("--{long}")
            } else {
                format!("--{negative}")
            };
            let mut cmd = clean(home.path());
            cmd.env(env, (!wanted).to_string());
            let doc = show_json_with(&mut cmd, &[&flag]);
            check(&doc, wanted, "flag", Some(&flag), "from a flag over env");
            let explicit = format!("--{long}={wanted}");
            let doc = show_json_with(&mut clean(home.path()), &[&explicit]);
            check(
                &doc,
                wanted,
                "flag",
                Some(&format!("--{long}")),
                "from --flag=BOOL",
            );
            // Two flags: the later wins.
            let (first, last) = if wanted {
                (format!("--{negative}"), format!("--{long}"))
            } else {
                (format!("--{long}"), format!("--{negative}"))
            };
            let doc = show_json_with(&mut clean(home.path()), &[&first, &last]);
            check(
                &doc,
                wanted,
                "flag",
                Some(&last),
                "from the later of two flags",
            );
        }
        let doc = show_json(&mut clean(home.path()));
        check(&doc, default, "default", None, "by default");
    }
}

/// docs/JSON.md shows every key of `config show --json`.
#[test]
fn json_doc_lists_every_key() {
    let home = tempfile::tempdir().expect("tempdir");
    let doc = show_json(&mut clean(home.path()));
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/JSON.md"))
        .expect("read docs/JSON.md");
    for key in doc["settings"].as_object().expect("settings").keys() {
        assert!(
            text.contains(&format!("\"{key}\": {{")),
            "docs/JSON.md does not show the config key {key}"
        );
    }
}

#[test]
fn disk_reserve_comes_from_each_layer() {
    let home = tempfile::tempdir().expect("tempdir");
    let doc = show_json(&mut clean(home.path()));
    assert_eq!(setting(&doc, "p2p.disk_reserve_mib")["value"], 256);

    let config = home.path().join("reserve.toml");
    std::fs::write(&config, "[p2p]\ndisk_reserve_mib = 64\n").expect("write config");
    let doc = show_json(clean(home.path()).arg("--config").arg(&config));
    assert_eq!(setting(&doc, "p2p.disk_reserve_mib")["value"], 64);
    assert_eq!(origin(&doc, "p2p.disk_reserve_mib"), "file");

    let doc = show_json(
        clean(home.path())
            .arg("--config")
            .arg(&config)
            .env("PEERSTREAM_DISK_RESERVE_MIB", "32"),
    );
    assert_eq!(setting(&doc, "p2p.disk_reserve_mib")["value"], 32);
    assert_eq!(
        setting(&doc, "p2p.disk_reserve_mib")["via"],
        "PEERSTREAM_DISK_RESERVE_MIB"
    );

    let doc = show_json_with(
        clean(home.path())
            .arg("--config")
            .arg(&config)
            .env("PEERSTREAM_DISK_RESERVE_MIB", "32"),
        &["--disk-reserve-mib", "0"],
    );
    assert_eq!(setting(&doc, "p2p.disk_reserve_mib")["value"], 0);
    assert_eq!(
        setting(&doc, "p2p.disk_reserve_mib")["via"],
        "--disk-reserve-mib"
    );
}
