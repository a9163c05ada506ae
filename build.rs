//! Embeds the built-in rule packs (every folder of `rules/` with a `pack.toml`: the
//! national pack and the province packs) into the binary, so that `nianbao check
//! --pack fujian` works from any folder with no files around it. Only the `*.toml`
//! files of a pack are embedded; its `tests/` fixtures stay in the repository.
//!
//! Also tabulates, from the `fast2s` crate the reader uses, which characters its
//! traditional → simplified conversion can change (`load::hanzi`): every report is
//! first looked at with this table, a bit per character, rather than converted.

use std::env;
use std::fmt::Write as _;
use std::fs;
use std::path::Path;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    println!("cargo:rerun-if-changed={}", root.display());

    let mut packs: Vec<String> = fs::read_dir(&root)
        .expect("rules/ must exist")
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.path().join("pack.toml").is_file())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    packs.sort();

    let mut code = String::from(
        "/// The built-in packs: (pack folder name, [(file name, contents)]).\n\
         pub static BUILTIN: &[(&str, &[(&str, &str)])] = &[\n",
    );
    for pack in &packs {
        let dir = root.join(pack);
        println!("cargo:rerun-if-changed={}", dir.display());
        let mut names: Vec<String> = fs::read_dir(&dir)
            .expect("a pack folder is readable")
            .filter_map(|entry| entry.ok())
            .map(|entry| entry.file_name().to_string_lossy().into_owned())
            .filter(|name| name.ends_with(".toml"))
            .collect();
        names.sort();
        writeln!(code, "    ({pack:?}, &[").expect("writing to a String cannot fail");
        for name in &names {
            let path = dir.join(name);
            println!("cargo:rerun-if-changed={}", path.display());
            writeln!(
                code,
                "        ({name:?}, include_str!({:?})),",
                path.display().to_string()
            )
            .expect("writing to a String cannot fail");
        }
        code.push_str("    ]),\n");
    }
    code.push_str("];\n");

    let out_dir = env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let out = Path::new(&out_dir).join("embedded_pack.rs");
    fs::write(out, code).expect("cannot write embedded_pack.rs");
    fs::write(
        Path::new(&out_dir).join("t2s_changeable.rs"),
        t2s_changeable(),
    )
    .expect("cannot write t2s_changeable.rs");
}

/// Characters `fast2s` converts only next to certain others (its table of special
/// words, as of 0.3): a character alone does not show them.
const T2S_IN_CONTEXT: [char; 7] = ['藉', '著', '苧', '闔', '鍾', '讎', '畫'];

/// A bit per character of the Basic Multilingual Plane, set for each character
/// `fast2s::convert` changes (it converts only three-byte characters, all in that
/// plane), as the source of a `[u64; 1024]`.
fn t2s_changeable() -> String {
    let mut bits = [0u64; 1024];
    let mut set = |c: char| bits[c as usize / 64] |= 1 << (c as usize % 64);
    for code in 0x800u32..=0xFFFF {
        let Some(c) = char::from_u32(code) else {
            continue;
        };
        let one = c.to_string();
        if fast2s::convert(&one) != one {
            set(c);
        }
    }
    T2S_IN_CONTEXT.iter().copied().for_each(&mut set);
    let mut out = String::from("[\n");
    for word in bits {
        writeln!(out, "    {word:#x},").expect("writing to a String cannot fail");
    }
    out.push_str("]\n");
    out
}
