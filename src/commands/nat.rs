//! `nat detect`.

use color_eyre::eyre::Result;

use super::Context;
use crate::cli::NatDetectArgs;
use crate::exit::CliError;

pub fn detect(_ctx: &Context, _args: &NatDetectArgs) -> Result<()> {
    Err(CliError::not_available("NAT detection (`nat detect`)")
        .with_hint("it lands with the NAT issue; `serve` and cached files work today")
        .into())
}
