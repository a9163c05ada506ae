//! Prints the regexes of a pack's wordings (fragments expanded), one a line, so that
//! `benches/vs_ripgrep.sh` can give ripgrep the same patterns nianbao runs.
//!
//! `cargo run --release --example pack_patterns [PACK]` (default: national).

use nianbao::Pack;

fn main() -> std::process::ExitCode {
    let name = std::env::args().nth(1).unwrap_or_else(|| "national".into());
    let pack = match Pack::from_arg(&name) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("无法读取规则包「{name}」：{}", e.message);
            return std::process::ExitCode::from(2);
        }
    };
    for rule in pack.enabled_rules() {
        for (_, re) in rule.check.wordings() {
            // One line per pattern: a pattern with a line break cannot be given to rg -f.
            if !re.as_str().contains('\n') {
                println!("{}", re.as_str());
            }
        }
    }
    std::process::ExitCode::SUCCESS
}
