//! The integration tests: one binary (linking librqbit once), a module per area, and one
//! `support` module with the helpers they share. They run the real `peerstream` binary.

mod support;

mod background;
mod browser;
mod cache_lifecycle;
mod cli;
mod cluster;
mod config_cli;
mod disk_space;
mod generated;
mod integrity;
mod nat_coordinator;
mod nat_lab;
mod nat_lab_mapping;
mod ops;
mod p2p_errors;
mod play;
mod players;
mod progress_tmux;
mod serve_http;
mod serve_limits;
mod serve_policy;
mod serve_replace;
mod swarm;
mod swarm_third_party;
