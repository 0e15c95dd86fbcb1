//! The command line as a script writer meets it (issue 17 item 3): every option and
//! argument a user can see says what it is for; test tools stay out of the help.

use clap::CommandFactory;

use super::Cli;

/// Every visible argument without help text, as `command path: --arg`.
fn without_help(cmd: &clap::Command, path: &str, out: &mut Vec<String>) {
    for arg in cmd.get_arguments() {
        if arg.is_hide_set() || matches!(arg.get_id().as_str(), "help" | "version") {
            continue;
        }
        if arg.get_help().is_none() && arg.get_long_help().is_none() {
            out.push(format!("{path}: {}", arg.get_id()));
        }
    }
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        without_help(sub, &format!("{path} {}", sub.get_name()), out);
    }
}

#[test]
fn the_command_line_is_well_formed() {
    Cli::command().debug_assert();
}

#[test]
fn test_tools_are_hidden_from_the_help() {
    let cmd = Cli::command();
    let limbo = cmd.find_subcommand("limbo-harness").expect("still there for tests/limbo.rs");
    assert!(limbo.is_hide_set());
    let help = Cli::command().render_help().to_string();
    assert!(!help.contains("limbo"), "{help}");
}

#[test]
fn every_visible_option_has_help() {
    let mut missing = Vec::new();
    without_help(&Cli::command(), "ecert", &mut missing);
    assert!(missing.is_empty(), "{} options without help:\n{}", missing.len(), missing.join("\n"));
}

#[test]
fn completions_and_man_pages_come_from_the_same_definition() {
    let mut bash = Vec::new();
    clap_complete::generate(clap_complete::Shell::Bash, &mut Cli::command(), "ecert", &mut bash);
    let bash = String::from_utf8(bash).unwrap();
    for sub in ["verify", "certs", "pin", "counter", "completions"] {
        assert!(bash.contains(sub), "bash completion lacks {sub}");
    }
    let dir = tempfile::tempdir().unwrap();
    super::man_pages(dir.path()).unwrap();
    let page = std::fs::read_to_string(dir.path().join("ecert.1")).unwrap();
    assert!(page.contains(".SH SYNOPSIS") && page.contains("verify"), "{page}");
    let verify = std::fs::read_to_string(dir.path().join("ecert-verify.1")).unwrap();
    assert!(verify.contains("anchor"), "the verify page documents its options");
    assert!(!dir.path().join("ecert-limbo-harness.1").exists());
}
