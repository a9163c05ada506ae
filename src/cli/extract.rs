//! `nianbao extract`: what nianbao read from a report (sections, year, every cell).

use std::ffi::OsString;
use std::io::IsTerminal;
use std::process::ExitCode;

use nianbao::{Input, load};

use super::{
    ColorChoice, InputArgs, PackArgs, human, load_pack, render_load_error, use_color, write_stderr,
    write_stdout,
};

pub(super) fn run(
    path: &OsString,
    text_only: bool,
    input_args: &InputArgs,
    args: PackArgs,
) -> ExitCode {
    let pack = match load_pack(&args) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let input = if path.as_os_str() == "-" {
        Input::Stdin
    } else {
        Input::File(path.into())
    };
    let loaded = match load::load(&input, &input_args.options()) {
        Ok(l) => l,
        Err(e) => {
            let mut buf = human::buffer(use_color(
                ColorChoice::Auto,
                std::io::stderr().is_terminal(),
            ));
            render_load_error(&mut buf, &e);
            write_stderr(&buf);
            return ExitCode::from(2);
        }
    };
    if text_only {
        write_stdout(loaded.text.as_bytes());
        return ExitCode::SUCCESS;
    }
    let doc = nianbao::parse_loaded(input.name(), loaded, &pack.templates);
    let mut out = nianbao::report::extract::render(&doc, &pack.templates);
    // Who the report is, as a batch pairs it (after the year line).
    let identity = nianbao::series::Identity::of(
        &doc,
        &nianbao::series::Stated::default(),
        &nianbao::series::Stated::default(),
    );
    let body = match &doc.body {
        Some(b) => b.describe(),
        None => "发布机关：无法推断".to_string(),
    };
    let at = out.find("\n\n").unwrap_or(out.len());
    out.insert_str(at, &format!("\n{body}\n{}", identity.describe()));
    out.push_str(&nianbao::report::extract::render_figures(&doc, &pack));
    write_stdout(out.as_bytes());
    ExitCode::SUCCESS
}
