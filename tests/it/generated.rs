//! The committed shell completions (`completions/`) and man pages (`man/`) match what the
//! current binary generates, and each loads in the tool that reads it.
//!
//! After any change to the command line, regenerate and commit them:
//!
//!     cargo run -- generate all && git add completions man
//!
//! (`generate` is a hidden subcommand: `generate completions DIR` and `generate man DIR` write
//! one kind each.)

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::{BIN, have_tool, isolate};

const REGENERATE: &str = "cargo run -- generate all && git add completions man";

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn peerstream() -> Command {
    let mut cmd = Command::new(BIN);
    isolate(&mut cmd);
    cmd
}

/// Every file of `dir` by name, with its bytes.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut map = BTreeMap::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return map;
    };
    for entry in entries {
        let path = entry.expect("read_dir entry").path();
        if path.is_file() {
            let name = path
                .file_name()
                .expect("file name")
                .to_string_lossy()
                .into_owned();
            map.insert(name, std::fs::read(&path).expect("read generated file"));
        }
    }
    map
}

fn compare(kind: &str, committed: &Path, fresh: &Path) {
    let committed_files = files(committed);
    let fresh_files = files(fresh);
    let mut problems = Vec::new();
    for (name, bytes) in &fresh_files {
        match committed_files.get(name) {
            None => problems.push(format!("{kind}/{name} is missing")),
            Some(old) if old != bytes => problems.push(format!("{kind}/{name} is out of date")),
            Some(_) => {}
        }
    }
    for name in committed_files.keys() {
        if !fresh_files.contains_key(name) {
            problems.push(format!("{kind}/{name} is no longer generated (remove it)"));
        }
    }
    assert!(
        problems.is_empty(),
        "the committed files under {kind}/ are stale:\n  {}\nregenerate them with:\n  {REGENERATE}",
        problems.join("\n  ")
    );
}

fn generate(kind: &str, dir: &Path) {
    let out = peerstream()
        .args(["generate", kind])
        .arg(dir)
        .output()
        .expect("run peerstream generate");
    assert!(
        out.status.success(),
        "generate {kind} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The README's settings table is what `generate all` writes from the settings table.
#[test]
fn readme_settings_table_is_up_to_date() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let committed = std::fs::read_to_string(repo().join("README.md")).expect("read README.md");
    assert!(
        committed.contains("<!-- settings table: generated"),
        "README.md lost the settings table's markers"
    );
    std::fs::write(tmp.path().join("README.md"), &committed).expect("copy README.md");
    generate("all", tmp.path());
    let fresh = std::fs::read_to_string(tmp.path().join("README.md")).expect("read fresh");
    assert!(
        fresh.contains("| `p2p.dht` |"),
        "no settings rows:\n{fresh}"
    );
    assert!(
        fresh == committed,
        "README.md's settings table is stale: run `cargo run -- generate all`"
    );
}

#[test]
fn completions_are_up_to_date() {
    let tmp = tempfile::tempdir().expect("tempdir");
    generate("completions", tmp.path());
    let fresh = files(tmp.path());
    for name in [
        "peerstream.bash",
        "_peerstream",
        "peerstream.fish",
        "peerstream.elv",
        "_peerstream.ps1",
    ] {
        assert!(
            fresh.contains_key(name),
            "no {name} among {:?}",
            fresh.keys()
        );
    }
    compare("completions", &repo().join("completions"), tmp.path());
}

#[test]
fn man_pages_are_up_to_date() {
    let tmp = tempfile::tempdir().expect("tempdir");
    generate("man", tmp.path());
    let fresh = files(tmp.path());
    for name in [
        "peerstream.1",
        "peerstream-serve.1",
        "peerstream-fetch.1",
        "peerstream-cache-ls.1",
        "peerstream-cache-verify.1",
        "peerstream-config-show.1",
        "peerstream-config-init.1",
        "peerstream-nat-detect.1",
    ] {
        assert!(
            fresh.contains_key(name),
            "no {name} among {:?}",
            fresh.keys()
        );
    }
    assert!(
        !fresh
            .keys()
            .any(|n| n.contains("generate") || n.contains("help")),
        "hidden or help commands got a page: {:?}",
        fresh.keys()
    );
    compare("man", &repo().join("man"), tmp.path());
}

/// `generate man` removes pages of commands that are gone, so regenerating is enough.
#[test]
fn generate_man_removes_stale_pages() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let stale = tmp.path().join("peerstream-gone.1");
    let foreign = tmp.path().join("other.1");
    std::fs::write(&stale, ".TH GONE 1\n").expect("write");
    std::fs::write(&foreign, ".TH OTHER 1\n").expect("write");
    generate("man", tmp.path());
    assert!(!stale.exists(), "stale page kept");
    assert!(foreign.exists(), "a page that is not ours was removed");
}

fn man(page: &Path) -> std::process::Output {
    Command::new("man")
        .arg("--warnings")
        .arg("-l")
        .arg(page)
        .env("MANPAGER", "cat")
        .env("MANWIDTH", "100")
        .env("LC_ALL", "C.UTF-8")
        .output()
        .expect("run man")
}

#[test]
fn man_pages_render() {
    if !have_tool("man") {
        return;
    }
    let dir = repo().join("man");
    let top = man(&dir.join("peerstream.1"));
    let text = String::from_utf8_lossy(&top.stdout);
    assert!(top.status.success(), "man failed: {text}");
    let stderr = String::from_utf8_lossy(&top.stderr);
    assert!(stderr.trim().is_empty(), "man warnings: {stderr}");
    for needle in [
        "NAME",
        "SYNOPSIS",
        "OPTIONS",
        "EXIT STATUS",
        "serve",
        "config",
    ] {
        assert!(text.contains(needle), "no {needle:?} in:\n{text}");
    }
    for (code, _) in readme_exit_codes() {
        assert!(
            text.lines()
                .any(|l| l.trim_start().starts_with(&format!("{code} "))),
            "exit code {code} not in the man page's EXIT STATUS:\n{text}"
        );
    }

    for (name, _) in files(&dir) {
        let out = man(&dir.join(&name));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "man -l man/{name} failed: {stderr}");
        assert!(stderr.trim().is_empty(), "man/{name} warnings: {stderr}");
        assert!(!out.stdout.is_empty(), "man/{name} rendered nothing");
    }
}

/// `(code, meaning)` rows of the README's exit-code table.
fn readme_exit_codes() -> Vec<(u32, String)> {
    let readme = std::fs::read_to_string(repo().join("README.md")).expect("read README.md");
    let section = readme
        .split("## Exit codes")
        .nth(1)
        .expect("README has an Exit codes section");
    section
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .filter_map(|l| {
            let mut cells = l.trim_matches('|').split('|');
            let code = cells.next()?.trim().parse().ok()?;
            Some((code, cells.next()?.trim().to_owned()))
        })
        .collect()
}

/// `--help` lists the same exit codes as the README.
#[test]
fn help_documents_the_readme_exit_codes() {
    let out = peerstream().arg("--help").output().expect("run --help");
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    let listed: Vec<u32> = help
        .split("Exit codes:")
        .nth(1)
        .expect("--help has an Exit codes section")
        .lines()
        .filter_map(|l| l.split_whitespace().next()?.parse().ok())
        .collect();
    let readme: Vec<u32> = readme_exit_codes().into_iter().map(|(c, _)| c).collect();
    assert!(readme.len() >= 10, "README table: {readme:?}");
    assert_eq!(
        listed, readme,
        "--help and README.md list different exit codes"
    );
}

fn completions_dir() -> PathBuf {
    repo().join("completions")
}

#[test]
fn bash_loads_and_completes() {
    if !have_tool("bash") {
        return;
    }
    let script = completions_dir().join("peerstream.bash");
    let out = Command::new("bash")
        .arg("--norc")
        .arg("-c")
        .arg(
            r#"source "$1" && complete -p peerstream &&
               COMP_WORDS=(peerstream ca); COMP_CWORD=1; _peerstream peerstream ca peerstream;
               echo "words: ${COMPREPLY[*]}";
               COMP_WORDS=(peerstream config sh); COMP_CWORD=2; _peerstream peerstream sh config;
               echo "words: ${COMPREPLY[*]}""#,
        )
        .arg("bash")
        .arg(&script)
        .output()
        .expect("run bash");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "bash: {stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("-F _peerstream peerstream"),
        "complete -p: {stdout}"
    );
    assert!(stdout.contains("words: cache"), "{stdout}");
    assert!(stdout.contains("words: show"), "{stdout}");
}

#[test]
fn zsh_loads() {
    if !have_tool("zsh") {
        return;
    }
    let out = Command::new("zsh")
        .arg("-fc")
        .arg(r#"autoload -U compinit && compinit -u -D && source "$1" && print -r -- "$_comps[peerstream]""#)
        .arg("zsh")
        .arg(completions_dir().join("_peerstream"))
        .output()
        .expect("run zsh");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "zsh: {stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(stdout.trim(), "_peerstream");
}

#[test]
fn fish_loads_and_completes() {
    if !have_tool("fish") {
        return;
    }
    let out = Command::new("fish")
        .arg("--no-config")
        .arg("-c")
        .arg(r#"source $argv[1]; and complete -C "peerstream ca"; and complete -C "peerstream config ""#)
        .arg(completions_dir().join("peerstream.fish"))
        .output()
        .expect("run fish");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "fish: {stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let words: Vec<&str> = stdout
        .lines()
        .filter_map(|l| l.split('\t').next())
        .collect();
    for word in ["cache", "show", "init"] {
        assert!(words.contains(&word), "no {word} in {words:?}");
    }
}

/// Non-interactive elvish has no `edit:` module, so the two editor hooks the script uses are
/// replaced by stand-ins; the rest of the script runs as written.
#[test]
fn elvish_loads_and_completes() {
    if !have_tool("elvish") {
        return;
    }
    let script = std::fs::read_to_string(completions_dir().join("peerstream.elv"))
        .expect("read peerstream.elv");
    let hook = "set edit:completion:arg-completer[peerstream] =";
    assert!(script.contains(hook), "the elvish script changed shape");
    let script = script
        .replace(hook, "var completer =")
        .replace("edit:complex-candidate", "complex-candidate");
    let script = format!("fn complex-candidate {{|text &display=''| echo $text }}\n{script}");
    let tmp = tempfile::tempdir().expect("tempdir");
    let path = tmp.path().join("test.elv");
    std::fs::write(
        &path,
        format!("{script}\n$completer peerstream ca\necho ==\n$completer peerstream config ''\n"),
    )
    .expect("write");
    let out = Command::new("elvish")
        .arg("-norc")
        .arg(&path)
        .output()
        .expect("run elvish");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "elvish: {stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (top, config) = stdout.split_once("==\n").expect("two completion lists");
    let top: Vec<&str> = top.lines().collect();
    let config: Vec<&str> = config.lines().collect();
    assert!(top.contains(&"cache"), "top level: {top:?}");
    assert!(
        config.contains(&"show") && config.contains(&"init"),
        "config: {config:?}"
    );
    assert!(!config.contains(&"cache"), "config: {config:?}");
}
