//! `generate` (hidden): shell completions and man pages from the clap definitions. The
//! generated files are committed under `completions/` and `man/`; `tests/generated.rs` fails
//! when they are stale. Regenerate with `cargo run -- generate all`.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::CommandFactory;
use clap_complete::Shell;
use color_eyre::eyre::{Result, WrapErr};

use super::Context;
use crate::cli::{Cli, EXIT_CODES_HELP, GenerateCommand};

const BIN_NAME: &str = "peerstream";
const SHELLS: [Shell; 5] = [
    Shell::Bash,
    Shell::Zsh,
    Shell::Fish,
    Shell::Elvish,
    Shell::PowerShell,
];

pub fn run(ctx: &Context, command: &GenerateCommand) -> Result<()> {
    let written = match command {
        GenerateCommand::Completions { dir } => completions(dir)?,
        GenerateCommand::Man { dir } => man_pages(dir)?,
        GenerateCommand::All { root } => {
            let mut written = completions(&root.join("completions"))?;
            written.extend(man_pages(&root.join("man"))?);
            written
        }
    };
    let mut out = std::io::stdout().lock();
    for path in &written {
        if !ctx.quiet {
            writeln!(out, "{}", path.display())?;
        }
    }
    out.flush()?;
    Ok(())
}

/// The command line, built (global flags propagated to every subcommand). Man pages skip
/// hidden commands; clap_complete keeps them, so `generate` completes but is never listed.
fn public_command() -> clap::Command {
    let mut cmd = Cli::command();
    cmd.build();
    cmd
}

/// One completion script per shell, named the way each shell looks for it.
pub fn completions(dir: &Path) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).wrap_err_with(|| format!("creating {}", dir.display()))?;
    let mut cmd = public_command();
    let mut written = Vec::new();
    for shell in SHELLS {
        let path = clap_complete::generate_to(shell, &mut cmd, BIN_NAME, dir)
            .wrap_err_with(|| format!("writing {shell} completions into {}", dir.display()))?;
        written.push(path);
    }
    Ok(written)
}

/// `peerstream.1` and one page per visible subcommand (`peerstream-cache-ls.1`, ...). Pages of
/// commands that no longer exist are removed.
pub fn man_pages(dir: &Path) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).wrap_err_with(|| format!("creating {}", dir.display()))?;
    // Pages document `--help`; a `help` subcommand page would only repeat them.
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    let mut pages = Vec::new();
    collect_pages(&cmd, &mut pages);

    let mut written = Vec::new();
    for (index, page) in pages.into_iter().enumerate() {
        let man = clap_mangen::Man::new(page).manual("peerstream manual");
        let mut roff = Vec::new();
        if index == 0 {
            render_top_level(&man, &mut roff)?;
        } else {
            man.render(&mut roff)?;
        }
        let path = dir.join(man.get_filename());
        std::fs::write(&path, roff).wrap_err_with(|| format!("writing {}", path.display()))?;
        written.push(path);
    }

    for entry in std::fs::read_dir(dir).wrap_err_with(|| format!("listing {}", dir.display()))? {
        let path = entry?.path();
        let ours = path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with(BIN_NAME) && n.ends_with(".1"));
        if ours && !written.contains(&path) {
            std::fs::remove_file(&path)
                .wrap_err_with(|| format!("removing the stale page {}", path.display()))?;
        }
    }
    Ok(written)
}

/// The command itself first, then every visible subcommand, depth first.
fn collect_pages(cmd: &clap::Command, pages: &mut Vec<clap::Command>) {
    pages.push(cmd.clone());
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        collect_pages(sub, pages);
    }
}

/// The top-level page: clap_mangen's sections, with the exit codes as a proper EXIT STATUS
/// list instead of the reflowed text of `after_long_help`.
fn render_top_level(man: &clap_mangen::Man, w: &mut Vec<u8>) -> Result<()> {
    man.render_title(w)?;
    man.render_name_section(w)?;
    man.render_synopsis_section(w)?;
    man.render_description_section(w)?;
    man.render_options_section(w)?;
    man.render_subcommands_section(w)?;
    writeln!(w, ".SH \"EXIT STATUS\"")?;
    for (code, meaning) in exit_codes() {
        writeln!(w, ".TP\n\\fB{code}\\fR\n{}", roff_escape(meaning))?;
    }
    writeln!(w, ".SH FILES")?;
    writeln!(
        w,
        ".TP\n\\fI~/.config/peerstream/config.toml\\fR\nThe config file on Linux (the platform \
         config folder elsewhere); \\fBpeerstream config init\\fR writes a commented default \
         and \\fBpeerstream config show\\fR prints the effective settings."
    )?;
    man.render_version_section(w)?;
    Ok(())
}

/// The `(code, meaning)` rows of [`EXIT_CODES_HELP`].
pub fn exit_codes() -> Vec<(&'static str, &'static str)> {
    EXIT_CODES_HELP
        .lines()
        .filter(|line| line.starts_with(' '))
        .filter_map(|line| {
            let line = line.trim_start();
            let (code, meaning) = line.split_once(' ')?;
            Some((code, meaning.trim_start()))
        })
        .collect()
}

/// Text safe on a roff text line: backslashes doubled, a leading dot or quote neutralised.
fn roff_escape(text: &str) -> String {
    let escaped = text.replace('\\', "\\e").replace('-', "\\-");
    if escaped.starts_with('.') || escaped.starts_with('\'') {
        format!("\\&{escaped}")
    } else {
        escaped
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_parse() {
        let codes = exit_codes();
        assert_eq!(codes.first(), Some(&("0", codes[0].1)));
        assert!(
            codes
                .iter()
                .any(|(c, m)| *c == "130" && m.contains("Ctrl-C"))
        );
        assert_eq!(codes.len(), EXIT_CODES_HELP.lines().count() - 1);
    }

    #[test]
    fn hidden_generate_has_no_page() {
        let mut pages = Vec::new();
        collect_pages(&public_command(), &mut pages);
        let names: Vec<_> = pages
            .iter()
            .map(|p| p.get_display_name().unwrap_or(p.get_name()).to_owned())
            .collect();
        assert!(
            names.contains(&"peerstream-cache-ls".to_owned()),
            "{names:?}"
        );
        assert!(!names.iter().any(|n| n.contains("generate")), "{names:?}");
    }
}
